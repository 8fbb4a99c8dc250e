import type { YAMLError } from 'yaml';
import type { ContextDiagnostic, ContextKind } from './types';

function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length - 1;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}

/**
 * YAML parse errors as diagnostics: one line of message without the parser's own "at line N, column M"
 * (the Problems panel shows the position), and an unclosed quote reported where the quote opens
 * rather than at the end of the file where the parser noticed it.
 */
export function yamlErrorDiagnostics(
  file: string,
  text: string,
  errors: readonly YAMLError[],
  source: ContextKind,
): ContextDiagnostic[] {
  return errors.map((e) => {
    let message = e.message
      .split('\n')[0]
      .replace(/ at line \d+, column \d+:?\s*$/, '')
      .trim();
    let start = e.pos[0];
    let end = Math.max(e.pos[1], start + 1);
    const quote = /Missing closing (["'])quote/.exec(message)?.[1];
    if (quote) {
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
    const a = lineCol(text, start);
    const b = lineCol(text, end);
    return {
      file,
      message,
      severity: 'error' as const,
      source,
      range: { line: a.line, column: a.column, endLine: b.line, endColumn: b.column },
    };
  });
}
