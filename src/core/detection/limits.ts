/**
 * The limits every detection parser keeps, so that no file (however large, deep or broken) can
 * make detection slow, and what it says when one is reached. Each limit reached is a diagnostic.
 */
import { escapeControl } from '../text/escapeControl';
import type { ContextDiagnostic, ContextKind } from './types';

export const LIMITS = {
  /** Bytes of one file (readBounded's default). */
  maxBytes: 1024 * 1024,
  /** Problems shown per file; the rest are counted in one last diagnostic. */
  maxDiagnosticsPerFile: 100,
  /** Lines of a YAML file (the yaml parser takes seconds on 100,000 lines of errors or keys). */
  maxYamlLines: 50_000,
  /** Nesting of YAML or JSON collections. */
  maxDepth: 100,
  /** Alias resolutions while a YAML document becomes data (yaml's own guard against alias bombs). */
  maxAliasCount: 1000,
  /** Nested `${A:-${B:-…}}` defaults in one interpolation. */
  maxInterpolationDepth: 20,
  /** Characters one `.env` value or one interpolated string may grow to. */
  maxExpandedLength: 64 * 1024,
  /** Characters all interpolation of one file may produce. */
  maxExpandedPerFile: 4 * 1024 * 1024,
  /** Files COMPOSE_FILE may list. */
  maxComposeFiles: 100,
  /** YAML documents read from one Kubernetes manifest file. */
  maxDocuments: 1000,
  /** Length of a diagnostic message (anything quoted from a file is shortened to fit). */
  maxMessageLength: 500,
};

/** 0-based line and column of an offset, with the line starts found once per text. */
export function positionsOf(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    const o = Math.max(0, Math.min(offset, text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: o - starts[lo] };
  };
}

/**
 * The deepest nesting of `{`/`[` in a JSON(C) text, outside strings and comments; stops counting
 * once past `limit` (so it answers in one pass, however deep the file).
 */
export function jsonDepth(text: string, limit = LIMITS.maxDepth): { depth: number; offset: number } {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2f) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
      if (max > limit) return { depth: max, offset: i };
    } else if (c === 0x7d || c === 0x5d) depth = Math.max(0, depth - 1);
  }
  return { depth: max, offset: -1 };
}

/**
 * An upper estimate of a YAML text's nesting: flow collections (`[`, `{` outside quotes and
 * comments) on top of block levels (indentation steps and `- ` entries at a line's start). Linear;
 * stops once past `limit`. Real files stay far below any limit this is checked against.
 */
export function yamlDepth(text: string, limit = LIMITS.maxDepth): { depth: number; offset: number } {
  const indents: number[] = [];
  let flow = 0;
  let lineStart = 0;
  while (lineStart < text.length) {
    let nl = text.indexOf('\n', lineStart);
    if (nl < 0) nl = text.length;
    let i = lineStart;
    while (i < nl && text.charCodeAt(i) === 0x20) i++;
    const indent = i - lineStart;
    let dashes = 0;
    while (i + 1 < nl && text.charCodeAt(i) === 0x2d /* - */ && text.charCodeAt(i + 1) === 0x20) {
      dashes++;
      i += 2;
      while (i < nl && text.charCodeAt(i) === 0x20) i++;
    }
    const blank = i >= nl || text.charCodeAt(i) === 0x23; /* # */
    if (!blank && flow === 0) {
      while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
    }
    let prev = 0x20;
    for (; i < nl; i++) {
      const c = text.charCodeAt(i);
      const tokenStart =
        prev === 0x20 || prev === 0x09 || prev === 0x5b || prev === 0x7b || prev === 0x2c || prev === 0x3a;
      if ((c === 0x22 || c === 0x27) && tokenStart) {
        // A quoted scalar: skip to its closing quote (double quotes may escape one).
        let j = i + 1;
        for (; j < text.length && text.charCodeAt(j) !== c; j++) if (c === 0x22 && text.charCodeAt(j) === 0x5c) j++;
        if (j > nl) {
          nl = text.indexOf('\n', j);
          if (nl < 0) nl = text.length;
        }
        i = j;
      } else if (c === 0x23 && (prev === 0x20 || prev === 0x09)) break;
      else if (c === 0x5b || c === 0x7b) flow++;
      else if (c === 0x5d || c === 0x7d) flow = Math.max(0, flow - 1);
      const depth = indents.length + dashes + flow;
      if (depth > limit) return { depth, offset: i };
      prev = c;
    }
    const depth = indents.length + dashes + flow;
    if (depth > limit) return { depth, offset: lineStart };
    lineStart = nl + 1;
  }
  return { depth: 0, offset: -1 };
}

/** More lines than LIMITS.maxYamlLines: the offset where the line after the limit starts, or -1. */
export function tooManyLines(text: string, limit = LIMITS.maxYamlLines): number {
  if (text.length <= limit) return -1;
  let at = -1;
  for (let n = 0; n < limit; n++) {
    at = text.indexOf('\n', at + 1);
    if (at < 0) return -1;
  }
  return at + 1 < text.length ? at + 1 : -1;
}

export function tooManyLinesMessage(what: string, limit = LIMITS.maxYamlLines): string {
  return `${what} has more than ${limit} lines; it was not read (too many to be a real configuration).`;
}

export function tooDeepMessage(what: string, limit = LIMITS.maxDepth): string {
  return `${what} is nested more than ${limit} levels deep; it was not read (too deep to be a real configuration).`;
}

/**
 * At most `max` diagnostics per file, then one that counts the rest; every message escaped (no
 * terminal control or bidi characters from a file reach the Problems panel or a terminal) and
 * shortened.
 */
export function capDiagnostics(
  diagnostics: readonly ContextDiagnostic[],
  max = LIMITS.maxDiagnosticsPerFile,
): ContextDiagnostic[] {
  const perFile = new Map<string, { shown: number; hidden: number; source: ContextKind }>();
  const out: ContextDiagnostic[] = [];
  for (const d of diagnostics) {
    let count = perFile.get(d.file);
    if (!count) perFile.set(d.file, (count = { shown: 0, hidden: 0, source: d.source }));
    if (count.shown >= max) {
      count.hidden++;
      continue;
    }
    count.shown++;
    out.push({ ...d, message: escapeControl(d.message, { maxLength: LIMITS.maxMessageLength }) });
  }
  for (const [file, { hidden, source }] of perFile) {
    if (!hidden) continue;
    out.push({
      file,
      message: `${hidden} more problem${hidden === 1 ? '' : 's'} in this file not shown (only the first ${max} are).`,
      severity: 'warning',
      source,
      range: { line: 0, column: 0, endLine: 0, endColumn: 1 },
    });
  }
  return out;
}
