import { escapeControl } from '../text/escapeControl';
import {
  CONTAINER_HOOKS,
  type ContainerHook,
  type DevcontainerConfig,
  type DevcontainerFeature,
  type LifecycleCommand,
} from './types';

/**
 * A dev container config's Features and hooks in a few words, for the Services view's tooltip and
 * `cws context`. The one-line forms are for reading only: control characters escaped, shortened.
 */

/** Every hook a devcontainer.json can set, in the order the spec runs them (initializeCommand on the host). */
export const DEVCONTAINER_HOOKS = ['initializeCommand', ...CONTAINER_HOOKS] as const;
export type DevcontainerHook = 'initializeCommand' | ContainerHook;

/** How long a one-line form may be, '…' included. */
export const ONE_LINE_MAX = 80;

/** The hooks the config sets, in the spec's order, each as written. */
export function hooksOf(c: DevcontainerConfig): { name: DevcontainerHook; command: LifecycleCommand }[] {
  return DEVCONTAINER_HOOKS.flatMap((name) => {
    const command = c[name];
    return command === undefined ? [] : [{ name, command }];
  });
}

/**
 * Text as one line of at most `max` characters: trimmed, tabs as spaces, other control characters
 * and bidi overrides as visible escapes (`\n`, `\x1b`, `\u{202e}`), cut with '…'.
 */
export function oneLine(text: string, max = ONE_LINE_MAX): string {
  // Escaping never shortens, so max + 1 characters are enough to know it needs cutting.
  const head = text
    .trim()
    .slice(0, max + 1)
    .replace(/\t/g, ' ');
  return escapeControl(head, { maxLength: max });
}

/** An argv entry as a reader would type it: quoted when empty or when it holds spaces or quotes. */
function arg(a: string): string {
  return a === '' || /[\s"'\\]/.test(a) ? JSON.stringify(a) : a;
}

/** Joins parts until the text is surely longer than `max` (so a huge command costs little). */
function joinUpTo(parts: Iterable<string>, sep: string, max: number): string {
  let out = '';
  for (const p of parts) {
    out += out ? `${sep}${p}` : p;
    if (out.length > max) break;
  }
  return out;
}

/**
 * A lifecycle command on one line: a string as written, an argv with its entries quoted where
 * needed (`/bin/sh -c "echo hi"`), an object's commands as `name: command · name: command`.
 */
export function commandText(cmd: LifecycleCommand, max = ONE_LINE_MAX): string {
  const argv = (a: string[]) => joinUpTo(a.map(arg), ' ', max);
  const text =
    typeof cmd === 'string'
      ? cmd
      : Array.isArray(cmd)
        ? argv(cmd)
        : joinUpTo(
            Object.entries(cmd).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : argv(v)}`),
            ' · ',
            max,
          );
  return oneLine(text, max);
}

/** An option's value as written: strings bare, anything else as JSON. */
function optionValue(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
}

/**
 * A Feature as written, with the options it is given: `./greeter (greeting: hi there)`,
 * `ghcr.io/devcontainers/features/node:1 (version: 20)` (a string or boolean is the version).
 */
export function featureText(f: Pick<DevcontainerFeature, 'id' | 'options'>, max = ONE_LINE_MAX): string {
  const o = f.options;
  const given =
    typeof o === 'object' && o !== null
      ? joinUpTo(
          Object.entries(o).map(([k, v]) => `${k}: ${optionValue(v)}`),
          ', ',
          max,
        )
      : `version: ${String(o)}`;
  return oneLine(given ? `${f.id} (${given})` : f.id, max);
}

/** What the Services view shows of a config's Features and hooks: each on one line, safe to show. */
export interface DevcontainerSummary {
  /** The first `maxFeatures` Features (featureText), in the order written. */
  features: string[];
  /** How many Features there are in all. */
  featureCount: number;
  /** The hooks set, in the spec's order, each command on one line (commandText). */
  hooks: { name: DevcontainerHook; command: string }[];
  waitFor?: string;
}

export function summarize(c: DevcontainerConfig, o: { maxFeatures?: number; max?: number } = {}): DevcontainerSummary {
  const features = c.features ?? [];
  const s: DevcontainerSummary = {
    features: features.slice(0, o.maxFeatures ?? 10).map((f) => featureText(f, o.max)),
    featureCount: features.length,
    hooks: hooksOf(c).map((h) => ({ name: h.name, command: commandText(h.command, o.max) })),
  };
  if (c.waitFor) s.waitFor = c.waitFor;
  return s;
}
