/** A small argv parser: positional words, `--flag`, `--key value`, `--key=value`, `-n N`, and `--`. */
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
  /** Everything after a bare `--`. */
  rest: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], valued: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  let rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest = argv.slice(i + 1);
      break;
    }
    if (a.startsWith('-') && a.length > 1) {
      const eq = a.indexOf('=');
      const key = (eq > 0 ? a.slice(0, eq) : a).replace(/^-+/, '');
      if (eq > 0) {
        flags.set(key, a.slice(eq + 1));
        continue;
      }
      if (valued.has(key)) {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        flags.set(key, v);
      } else flags.set(key, true);
      continue;
    }
    positionals.push(a);
  }
  return { positionals, flags, rest };
}
