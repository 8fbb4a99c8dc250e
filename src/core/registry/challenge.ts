/**
 * The `WWW-Authenticate` header of a registry's 401, as the distribution spec's token auth uses it:
 * `Bearer realm="https://auth/token",service="reg",scope="repository:x:pull"` or `Basic realm="…"`.
 * Bounded: at most 4 KB of header and 16 parameters are looked at; anything else is "unknown".
 */

export type Challenge =
  | { scheme: 'bearer'; realm: string; service?: string; scope?: string }
  | { scheme: 'basic'; realm?: string }
  | { scheme: 'unknown'; raw: string };

const MAX_HEADER = 4096;
const MAX_PARAMS = 16;

export function parseChallenge(header: string | string[] | undefined): Challenge {
  const raw = (Array.isArray(header) ? header.join(', ') : (header ?? '')).slice(0, MAX_HEADER);
  const m = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/s.exec(raw);
  if (!m) return { scheme: 'unknown', raw };
  const scheme = m[1].toLowerCase();
  const params = parseParams(m[2]);
  if (scheme === 'basic') return { scheme: 'basic', realm: params.get('realm') };
  if (scheme === 'bearer') {
    const realm = params.get('realm');
    if (!realm) return { scheme: 'unknown', raw };
    return { scheme: 'bearer', realm, service: params.get('service'), scope: params.get('scope') };
  }
  return { scheme: 'unknown', raw };
}

/** `a="x, y",b=z` → a → `x, y`, b → z; names lower-cased; quoted-pair escapes honoured. */
function parseParams(s: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < s.length && out.size < MAX_PARAMS) {
    while (i < s.length && /[\s,]/.test(s[i])) i++;
    const nameStart = i;
    while (i < s.length && /[A-Za-z0-9_-]/.test(s[i])) i++;
    const name = s.slice(nameStart, i).toLowerCase();
    while (i < s.length && s[i] === ' ') i++;
    if (!name || s[i] !== '=') {
      // Not a parameter: skip to the next comma.
      while (i < s.length && s[i] !== ',') i++;
      continue;
    }
    i++;
    while (i < s.length && s[i] === ' ') i++;
    let value = '';
    if (s[i] === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        value += s[i];
        i++;
      }
      i++;
    } else {
      const start = i;
      while (i < s.length && s[i] !== ',' && !/\s/.test(s[i])) i++;
      value = s.slice(start, i);
    }
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}
