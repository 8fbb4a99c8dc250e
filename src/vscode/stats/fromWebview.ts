// The webview is a page we do not control once it runs (a bug, an injected script, a stale build
// can send anything): each message it sends is checked for its shape before the panel acts on it.
// No `vscode` here, so the check is unit-tested on its own.
import { escapeControl } from '../../core/text/escapeControl';
import type { FromWebview } from '../../shared/statsProtocol';

/** Longest container id or name the panel takes (engine ids are 64, names far less). */
export const MAX_ID_LENGTH = 256;
/** A CSP directive name, and the blocked URL, as the browser reports them. */
export const MAX_DIRECTIVE_LENGTH = 100;
export const MAX_BLOCKED_LENGTH = 2048;

// C0/C1 controls and DEL: never in an id, a directive or a URL.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown, max: number, o: { empty?: boolean } = {}): v is string {
  return typeof v === 'string' && v.length <= max && (o.empty || v.length > 0) && !CONTROL.test(v);
}

/** A short, safe description of a value for the log. */
function describe(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return escapeControl(s, { maxLength: 80 });
}

/**
 * The message as the panel may act on it (only the fields it uses, copied), or why it is ignored
 * (a reason for the log). Never throws, whatever it is given.
 */
export function parseFromWebview(m: unknown): Parsed {
  try {
    return parse(m);
  } catch {
    // A getter that throws, a revoked proxy: not what a webview can post, but never our crash.
    return { ok: false, reason: 'unreadable message' };
  }
}

type Parsed = { ok: true; message: FromWebview } | { ok: false; reason: string };

function parse(m: unknown): Parsed {
  if (!isRecord(m)) return { ok: false, reason: `not an object: ${describe(m)}` };
  const type = m.type;
  switch (type) {
    case 'ready':
    case 'openSetting':
      return { ok: true, message: { type } };
    case 'select':
      if (!text(m.id, MAX_ID_LENGTH)) return { ok: false, reason: `select with a bad id: ${describe(m.id)}` };
      return { ok: true, message: { type, id: m.id } };
    case 'cspViolation':
      if (
        !text(m.directive, MAX_DIRECTIVE_LENGTH, { empty: true }) ||
        !text(m.blocked, MAX_BLOCKED_LENGTH, { empty: true })
      )
        return {
          ok: false,
          reason: `cspViolation with bad fields: directive ${describe(m.directive)}, blocked ${describe(m.blocked)}`,
        };
      return { ok: true, message: { type, directive: m.directive, blocked: m.blocked } };
    default:
      return { ok: false, reason: `unknown type ${describe(type)}` };
  }
}
