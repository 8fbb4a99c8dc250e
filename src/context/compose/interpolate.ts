/**
 * Compose variable interpolation: ${VAR}, $VAR, ${VAR:-default}, ${VAR-default}, ${VAR:?err},
 * ${VAR?err}, ${VAR:+alt}, ${VAR+alt}, and $$ for a literal $. Unset required variables are reported
 * by name (never by value).
 */
export function interpolate(text: string, lookup: (name: string) => string | undefined, onMissing: (name: string, message: string) => void): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') { out += c; i++; continue; }
    const next = text[i + 1];
    if (next === '$') { out += '$'; i += 2; continue; }
    if (next === '{') {
      // Find the matching brace: defaults may hold ${…} themselves.
      let depth = 1;
      let j = i + 2;
      for (; j < text.length && depth; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}') depth--;
      }
      if (depth) { out += text.slice(i); break; }
      out += expand(text.slice(i + 2, j - 1), lookup, onMissing) ?? text.slice(i, j);
      i = j;
      continue;
    }
    const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (bare) { out += lookup(bare[0]) ?? ''; i += 1 + bare[0].length; continue; }
    out += c;
    i++;
  }
  return out;
}

function expand(inner: string, lookup: (name: string) => string | undefined, onMissing: (name: string, message: string) => void): string | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([\s\S]*))?$/.exec(inner);
  if (!m) return undefined;
  const [, name, colon, op, arg = ''] = m;
  const value = lookup(name);
  const unset = value === undefined || (colon === ':' && value === '');
  switch (op) {
    case '-': return unset ? interpolate(arg, lookup, onMissing) : value!;
    case '+': return unset ? '' : interpolate(arg, lookup, onMissing);
    case '?':
      if (unset) onMissing(name, arg || `${name} must be set`);
      return value ?? '';
    default: return value ?? '';
  }
}

/** A .env file: KEY=VALUE lines, `export ` prefix, quotes, comments. */
export function parseDotEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if ((v.startsWith('"') && v.endsWith('"') && v.length >= 2) || (v.startsWith("'") && v.endsWith("'") && v.length >= 2)) {
      const dq = v.startsWith('"');
      v = v.slice(1, -1);
      if (dq) v = v.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      v = v.replace(/\s+#.*$/, '');
    }
    out.set(m[1], v);
  }
  return out;
}
