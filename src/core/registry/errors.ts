/**
 * Registry failures as RuntimeErrors that name what failed: the registry, the repository and, when
 * the caller passed one, the label of what it was fetching (`Feature "node"`), so a user with ten
 * Features knows which one to fix. Anything the registry said is shortened and made terminal-safe.
 */
import { RuntimeError, type RuntimeErrorCode } from '../runtime/errors';
import { escapeControl } from '../text/escapeControl';

/** Who a request was for; every message starts with it. */
export interface Culprit {
  registry: string;
  repository?: string;
  /** What the caller fetches, e.g. `Feature "ghcr.io/devcontainers/features/node:1"`. */
  label?: string;
}

/** `Feature "x" (127.0.0.1:5000/cws/x)`, or just `127.0.0.1:5000/cws/x`. */
export function describeCulprit(c: Culprit): string {
  const place = escapeControl(c.repository ? `${c.registry}/${c.repository}` : c.registry, { maxLength: 200 });
  return c.label ? `${escapeControl(c.label, { maxLength: 200 })} (${place})` : place;
}

export function registryError(
  code: RuntimeErrorCode,
  c: Culprit,
  what: string,
  hint?: string,
  cause?: unknown,
): RuntimeError {
  return new RuntimeError(code, `${describeCulprit(c)}: ${what}`, hint, cause === undefined ? undefined : { cause });
}

/** Text from outside (a registry's error message, a header) as one short, safe line. */
export function outsideText(s: string, maxLength = 200): string {
  return escapeControl(s.split('\n')[0].trim(), { maxLength });
}
