import { escapeControl } from '../../core/text/escapeControl';

/**
 * A failure as one line for people: the message, then the hint when there is one. Messages carry
 * names, paths and engine text: control characters and bidi overrides are shown as escapes.
 */
/** A name, label or image from an engine or a file, as a notification shows it: escaped, and not endless. */
export function shownName(s: string): string {
  return escapeControl(s, { maxLength: 80 });
}

export function formatError(e: { message: string; hint?: string }): string {
  const text = e.hint ? `${e.message} ${e.hint}` : e.message;
  return text
    .split('\n')
    .map((l) => escapeControl(l))
    .join('\n');
}

/** The first line of a text, trimmed (an error message without what a stack or a tool added below it). */
export function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
