/** A failure as one line for people: the message, then the hint when there is one. */
export function formatError(e: { message: string; hint?: string }): string {
  return e.hint ? `${e.message} ${e.hint}` : e.message;
}

/** The first line of a text, trimmed (an error message without what a stack or a tool added below it). */
export function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
