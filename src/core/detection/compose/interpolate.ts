/**
 * Compose variable interpolation and `.env` files.
 *
 * Supported: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`,
 * `${VAR:+alt}`, `${VAR+alt}` (defaults and alternatives may hold interpolations themselves), and
 * `$$` for a literal `$`. Problems are reported with variable names only, never with values.
 *
 * Bounded: defaults nest at most LIMITS.maxInterpolationDepth deep, one result grows to at most
 * LIMITS.maxExpandedLength characters, and a shared budget caps what a whole file may produce
 * (so `.env` values that double each other, or a file that repeats a long value, stay small).
 */
import { LIMITS } from '../limits';

export type Lookup = (name: string) => string | undefined;

export type InterpolationProblem =
  /** `${VAR:?err}` / `${VAR?err}` with VAR unset (or empty, with the colon). `message` is the file's own text. */
  | { kind: 'required'; name: string; message: string }
  /** A `$` that starts nothing Compose understands (`$1`, `${}`, an unclosed `${`). */
  | { kind: 'invalid'; text: string }
  /** Defaults nested deeper than the limit: the inner ones are left as written. */
  | { kind: 'tooDeep'; limit: number }
  /** The result (or the file's interpolation as a whole) grew past its limit: cut short. */
  | { kind: 'tooLong'; limit: number };

/** Characters a file's interpolation may still produce; shared by all its strings. */
export interface ExpansionBudget {
  left: number;
}

export function expansionBudget(chars = LIMITS.maxExpandedPerFile): ExpansionBudget {
  return { left: chars };
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Substitutes variables in one string value. Unset variables become empty, as Compose does. */
export function interpolate(
  text: string,
  lookup: Lookup,
  report: (p: InterpolationProblem) => void = () => undefined,
  budget: ExpansionBudget = expansionBudget(),
): string {
  if (!text.includes('$')) return text;
  if (budget.left <= 0) {
    report({ kind: 'tooLong', limit: LIMITS.maxExpandedPerFile });
    return text;
  }
  const out = expand(text, lookup, report, budget, 0);
  budget.left -= out.length;
  if (out.length > LIMITS.maxExpandedLength) {
    report({ kind: 'tooLong', limit: LIMITS.maxExpandedLength });
    return out.slice(0, LIMITS.maxExpandedLength);
  }
  return out;
}

function expand(
  text: string,
  lookup: Lookup,
  report: (p: InterpolationProblem) => void,
  budget: ExpansionBudget,
  depth: number,
): string {
  if (!text.includes('$')) return text;
  if (depth > LIMITS.maxInterpolationDepth) {
    report({ kind: 'tooDeep', limit: LIMITS.maxInterpolationDepth });
    return text;
  }
  let out = '';
  let i = 0;
  while (i < text.length) {
    // One result never grows past the limit (a value repeated many times is cut short, not built).
    if (out.length > LIMITS.maxExpandedLength) break;
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(text, dollar + 2);
      if (close < 0) {
        report({ kind: 'invalid', text: text.slice(dollar) });
        out += text.slice(dollar);
        break;
      }
      const inner = text.slice(dollar + 2, close);
      const value = expandBraced(inner, lookup, report, budget, depth);
      if (value === undefined) {
        report({ kind: 'invalid', text: text.slice(dollar, close + 1) });
        out += text.slice(dollar, close + 1);
      } else {
        out += value;
      }
      i = close + 1;
      continue;
    }
    if (next !== undefined && NAME_START.test(next)) {
      let j = dollar + 2;
      while (j < text.length && NAME_CHAR.test(text[j])) j++;
      out += lookup(text.slice(dollar + 1, j)) ?? '';
      i = j;
      continue;
    }
    // A lone `$` (`$1`, `$ `, at the end): Compose refuses the template.
    report({ kind: 'invalid', text: text.slice(dollar, dollar + 2) });
    out += '$';
    i = dollar + 1;
  }
  return out;
}

/** Index of the `}` closing a `${` whose body starts at `from`, counting nested `${…}`; -1 if none. */
function matchingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (c === '$' && text[j + 1] === '$') {
      j++;
      continue;
    }
    if (c === '$' && text[j + 1] === '{') {
      depth++;
      j++;
      continue;
    }
    if (c === '}' && --depth === 0) return j;
  }
  return -1;
}

function expandBraced(
  inner: string,
  lookup: Lookup,
  report: (p: InterpolationProblem) => void,
  budget: ExpansionBudget,
  depth: number,
): string | undefined {
  let n = 0;
  if (!inner.length || !NAME_START.test(inner[0])) return undefined;
  while (n < inner.length && NAME_CHAR.test(inner[n])) n++;
  const name = inner.slice(0, n);
  const value = lookup(name);
  if (n === inner.length) return value ?? '';
  const colon = inner[n] === ':';
  const op = inner[colon ? n + 1 : n];
  const arg = inner.slice(colon ? n + 2 : n + 1);
  const unset = value === undefined || (colon && value === '');
  switch (op) {
    case '-':
      return unset ? expand(arg, lookup, report, budget, depth + 1) : value;
    case '+':
      return unset ? '' : expand(arg, lookup, report, budget, depth + 1);
    case '?':
      if (unset) report({ kind: 'required', name, message: arg });
      return value ?? '';
    default:
      return undefined;
  }
}

export interface DotEnv {
  values: Map<string, string>;
  /** 0-based line of each key, for diagnostics that point into the .env file. */
  lines: Map<string, number>;
  /** Values cut short or left as written because a limit was reached (one per key). */
  problems?: { key: string; line: number; message: string }[];
}

/** What a limit reached while interpolating means, for a diagnostic. */
export function limitMessage(p: Extract<InterpolationProblem, { kind: 'tooDeep' | 'tooLong' }>): string {
  if (p.kind === 'tooDeep')
    return (
      `Interpolation is nested too deep (more than ${p.limit} levels of \${…:-…} defaults); ` +
      'the inner ones are left as written.'
    );
  if (p.limit === LIMITS.maxExpandedPerFile)
    return (
      `Interpolation in this file produces too much text (more than ${Math.round(p.limit / (1024 * 1024))} MiB); ` +
      'the remaining values are left as written.'
    );
  return `Interpolation makes this value too large (more than ${Math.round(p.limit / 1024)} KiB); it was cut short.`;
}

/**
 * A Compose `.env` file: `KEY=VALUE` lines, an optional `export ` prefix, `#` comments (whole
 * lines, and after whitespace in unquoted values), 'single quotes' (literal), "double quotes"
 * (escapes, may span lines). Unquoted and double-quoted values are interpolated from `outer`
 * first, then from the keys defined above them, as Compose does.
 */
export function parseDotEnv(text: string, outer: Lookup = () => undefined): DotEnv {
  const values = new Map<string, string>();
  const lines = new Map<string, number>();
  const problems: NonNullable<DotEnv['problems']> = [];
  const lookup: Lookup = (name) => outer(name) ?? values.get(name);
  // One budget for the whole file: values that expand into each other cannot grow it past the limit.
  const budget = expansionBudget();
  let problem: string | undefined;
  const report = (p: InterpolationProblem) => {
    if (p.kind === 'tooDeep' || p.kind === 'tooLong') problem ??= limitMessage(p);
  };
  const src = text.replace(/\r\n?/g, '\n');
  let i = 0;
  let line = 0;
  const nextLine = () => {
    const nl = src.indexOf('\n', i);
    i = nl < 0 ? src.length : nl + 1;
    line++;
  };
  while (i < src.length) {
    while (i < src.length && (src[i] === ' ' || src[i] === '\t')) i++;
    if (src[i] === '\n') {
      i++;
      line++;
      continue;
    }
    const assignment = src[i] === '#' ? undefined : assignmentAt(src, i);
    if (!assignment) {
      nextLine();
      continue;
    }
    i = assignment.valueStart;
    const { key } = assignment;
    const keyLine = line;
    let value: string;
    const q = src[i];
    if (q === '"' || q === "'") {
      const raw = quotedText(src, i);
      if (raw === undefined) {
        nextLine();
        continue;
      } // unterminated: not a value Compose would accept
      line += (raw.match(/\n/g) ?? []).length;
      i += raw.length + 2;
      value = q === "'" ? raw : interpolate(unescape(raw), lookup, report, budget);
    } else {
      const nl = src.indexOf('\n', i);
      let raw = src.slice(i, nl < 0 ? src.length : nl);
      const hash = raw.search(/\s#/);
      if (hash >= 0) raw = raw.slice(0, hash);
      value = interpolate(raw.trim(), lookup, report, budget);
    }
    nextLine();
    values.set(key, value);
    lines.set(key, keyLine);
    if (problem !== undefined) problems.push({ key, line: keyLine, message: `${key}: ${problem}` });
    problem = undefined;
  }
  return problems.length ? { values, lines, problems } : { values, lines };
}

/**
 * `KEY=` at `i` (after an optional `export `): the key, and where its value starts (blanks after the
 * `=` skipped); undefined when the line assigns nothing.
 */
function assignmentAt(src: string, i: number): { key: string; valueStart: number } | undefined {
  if (src.startsWith('export ', i) || src.startsWith('export\t', i)) {
    i += 7;
    while (src[i] === ' ' || src[i] === '\t') i++;
  }
  const keyStart = i;
  while (i < src.length && /[A-Za-z0-9_.-]/.test(src[i])) i++;
  const key = src.slice(keyStart, i);
  while (src[i] === ' ' || src[i] === '\t') i++;
  if (!key || src[i] !== '=') return undefined;
  i++;
  while (src[i] === ' ' || src[i] === '\t') i++;
  return { key, valueStart: i };
}

/**
 * The text between the quote at `start` and its closing quote, as written (in double quotes a
 * backslash keeps the character after it, quote included); undefined when it is never closed.
 */
function quotedText(src: string, start: number): string | undefined {
  const q = src[start];
  let j = start + 1;
  let raw = '';
  for (; j < src.length && src[j] !== q; j++) {
    if (q === '"' && src[j] === '\\' && j + 1 < src.length) {
      raw += src[j] + src[j + 1];
      j++;
      continue;
    }
    raw += src[j];
  }
  return j >= src.length ? undefined : raw;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/gs, (_, c: string) => (({ n: '\n', t: '\t', r: '\r' }) as Record<string, string>)[c] ?? c);
}
