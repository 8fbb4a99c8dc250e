import { escapeControl } from '../core/text/escapeControl';

export { formatBytes } from '../core/text/bytes';

export function formatPercent(p: number): string {
  return `${p.toFixed(2)}%`;
}

/**
 * Text from an engine, a file or the command line as it goes into cws's text output: terminal
 * control characters (ESC, OSC, C1, bidi overrides) are shown as escapes, never sent to the terminal.
 */
export function safe(s: string | undefined): string {
  return s === undefined ? '' : escapeControl(s);
}

/**
 * JSON for --json and inspect. JSON.stringify escapes C0 controls (ESC becomes \u001b) but not DEL,
 * C1 controls (U+009B is a CSI to some terminals), bidi overrides or U+2028/9; those are written as
 * \u escapes too. The value a program parses is the same; a terminal showing it is not affected.
 */
export function safeJson(value: unknown, indent: number | undefined = 2): string {
  return (JSON.stringify(value, null, indent) ?? 'null').replace(
    /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** "3 days ago", as `docker images` says it; "-" when the engine gave no date. */
export function since(ms: number | undefined, now = Date.now()): string {
  if (!ms) return '-';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  const [n, unit] =
    s < 60 ? [s, 'second'] : s < 3600 ? [s / 60, 'minute'] : s < 86_400 ? [s / 3600, 'hour'] : [s / 86_400, 'day'];
  const r = Math.round(n);
  return `${r} ${unit}${r === 1 ? '' : 's'} ago`;
}
