/** A small argv parser: positional words, `--flag`, `--key value`, `--key=value`, `-n N`, and `--`. */
import { escapeControl } from '../core/text/escapeControl';

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
  /** Everything after a bare `--`. */
  rest: string[];
}

export class UsageError extends Error {}

/** A value from the command line or the environment as it may appear in a message. */
export function shown(s: string): string {
  return escapeControl(s, { maxLength: 80 });
}

/** The flags a command takes: those that take a value, and those that do not. */
export interface FlagSpec {
  valued: ReadonlySet<string>;
  boolean: ReadonlySet<string>;
}

function dashes(key: string): string {
  return key.length === 1 ? `-${key}` : `--${key}`;
}

/**
 * Parses argv. With `spec`, a flag it does not list is a usage error, a valued flag needs a
 * non-empty value, and a boolean flag takes none (`--all=yes` is refused rather than ignored).
 */
export function parseArgs(argv: string[], valued: ReadonlySet<string>, spec?: FlagSpec): ParsedArgs {
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
      if (spec && !spec.valued.has(key) && !spec.boolean.has(key))
        throw new UsageError(`unknown option ${shown(eq > 0 ? a.slice(0, eq) : a)}`);
      if (eq > 0) {
        const v = a.slice(eq + 1);
        if (spec?.boolean.has(key)) throw new UsageError(`${dashes(key)} takes no value (got "${shown(v)}")`);
        if (spec && !v) throw new UsageError(`${dashes(key)} needs a value`);
        flags.set(key, v);
        continue;
      }
      if (valued.has(key)) {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`${a} needs a value`);
        if (spec && !v) throw new UsageError(`${a} needs a value (got an empty one)`);
        flags.set(key, v);
      } else flags.set(key, true);
      continue;
    }
    positionals.push(a);
  }
  return { positionals, flags, rest };
}
