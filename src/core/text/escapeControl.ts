/**
 * Makes text that came from a file, an engine or a user safe to show in a terminal, a log or a
 * notification: control characters that a terminal would act on (ESC starting an OSC or CSI
 * sequence, C1 controls, DEL) and bidi overrides that reorder what the reader sees are replaced
 * by visible escapes. Tabs are kept; everything else is left as it is (a backslash is not doubled,
 * so Windows paths stay readable).
 *
 *   C0 (U+0000–U+001F except tab) and DEL → `\x1b`, `\x07`, … (`\n` and `\r` as themselves: `\n`, `\r`)
 *   C1 (U+0080–U+009F), bidi controls (U+200E/F, U+202A–U+202E, U+2066–U+2069), U+2028/9 → `\u{202e}`
 */
export interface EscapeControlOptions {
  /** Shorten the escaped result to at most this many characters, ending with '…'. */
  maxLength?: number;
}

// One class for everything that needs escaping, so the common case (nothing to escape) is one test.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const UNSAFE_G = new RegExp(UNSAFE.source, 'gu');

function visible(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp === 0x0a) return '\\n';
  if (cp === 0x0d) return '\\r';
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  return `\\u{${cp.toString(16)}}`;
}

export function escapeControl(s: string, o: EscapeControlOptions = {}): string {
  const escaped = UNSAFE.test(s) ? s.replace(UNSAFE_G, visible) : s;
  const max = o.maxLength;
  if (max === undefined || escaped.length <= max) return escaped;
  return shorten(escaped, max);
}

/** Cuts at a code point boundary and never through the middle of one of our escapes. */
function shorten(escaped: string, max: number): string {
  if (max <= 1) return '…';
  let end = max - 1;
  // Do not split a surrogate pair.
  const code = escaped.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  // Do not leave half of an escape such as `\x1` or `\u{20` at the end.
  const tail = escaped.slice(Math.max(0, end - 8), end);
  const partial = /\\(?:x[0-9a-f]?|u(?:\{[0-9a-f]*)?|)$/.exec(tail);
  if (partial) end -= partial[0].length;
  return `${escaped.slice(0, end)}…`;
}
