/**
 * VS Code-style glob patterns (files.exclude, search.exclude) → a matcher on relative POSIX paths.
 * Supports `**`, `*`, `?`, `{a,b}` and `[...]`; a pattern without a slash matches a basename at any
 * depth only when written as `**\/name` (as VS Code does), otherwise from the folder root.
 */
export function globToRegExp(pattern: string): RegExp {
  let p = pattern.trim().replace(/\\/g, '/').replace(/^\.\//, '');
  if (p.endsWith('/')) p = p.slice(0, -1);
  let re = '';
  let inGroup = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '*') {
      if (p[i + 1] === '*') {
        // `**/` = any number of directories; a trailing `**` = anything.
        if (p[i + 2] === '/') {
          re += '(?:[^/]*/)*';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      re += '(?:';
      inGroup++;
    } else if (c === '}' && inGroup) {
      re += ')';
      inGroup--;
    } else if (c === ',' && inGroup) re += '|';
    else if (c === '[') {
      const end = p.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${p
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  // A pattern naming a directory excludes everything below it too.
  return new RegExp(`^${re}(?:/.*)?$`);
}

/** One predicate for a set of `{ pattern: true }` settings (false/`{when}` entries are ignored). */
export function excludeMatcher(...settings: (Record<string, unknown> | undefined)[]): (relPath: string) => boolean {
  const res: RegExp[] = [];
  for (const s of settings) {
    for (const [pattern, on] of Object.entries(s ?? {})) if (on === true) res.push(globToRegExp(pattern));
  }
  return res.length ? (rel) => res.some((r) => r.test(rel)) : () => false;
}
