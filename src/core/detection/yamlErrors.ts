import type { YAMLError } from 'yaml';
import { LIMITS, positionsOf } from './limits';
import type { ContextDiagnostic, ContextKind } from './types';

/**
 * YAML parse errors as diagnostics: one line of message without the parser's own "at line N, column M"
 * (the Problems panel shows the position), and an unclosed quote reported where the quote opens
 * rather than at the end of the file where the parser noticed it.
 */
const HIDDEN = { line: 0, column: 0, endLine: 0, endColumn: 0 };

export function yamlErrorDiagnostics(
  file: string,
  text: string,
  errors: readonly YAMLError[],
  source: ContextKind,
  /** positionsOf(text), when the caller has it already (one per file, not one per document). */
  lineCol: (offset: number) => { line: number; column: number } = positionsOf(text),
): ContextDiagnostic[] {
  // Looking back for an opening quote costs a scan of the text: only for the errors that are shown.
  return errors.map((e, index) => {
    if (index > LIMITS.maxDiagnosticsPerFile) {
      // Past what is shown: counted, not worded (a broken 1 MiB file has hundreds of thousands).
      return { file, message: e.code, severity: 'error' as const, source, range: HIDDEN };
    }
    let message = e.message
      .split('\n')[0]
      .replace(/ at line \d+, column \d+:?\s*$/, '')
      .trim();
    let start = e.pos[0];
    let end = Math.max(e.pos[1], start + 1);
    const quote = /Missing closing (["'])quote/.exec(message)?.[1];
    if (quote && index < LIMITS.maxDiagnosticsPerFile) {
      message = `Missing closing ${quote === '"' ? 'double' : 'single'} quote`;
      // The opening quote: the last one before the error that starts a value.
      const re = new RegExp(`(^|[\\s:\\-\\[,{])${quote}`, 'g');
      let m: RegExpExecArray | null;
      let open = -1;
      while ((m = re.exec(text)) && m.index < e.pos[0]) open = m.index + m[1].length;
      if (open >= 0) {
        start = open;
        end = text.indexOf('\n', open) < 0 ? text.length : text.indexOf('\n', open);
      }
    }
    const a = lineCol(start);
    const b = lineCol(end);
    return {
      file,
      message,
      severity: 'error' as const,
      source,
      range: { line: a.line, column: a.column, endLine: b.line, endColumn: b.column },
    };
  });
}
