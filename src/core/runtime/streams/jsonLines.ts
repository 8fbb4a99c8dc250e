import { StringDecoder } from 'node:string_decoder';

/** No engine writes a JSON line (an event, a stats sample, a progress message) anywhere near this. */
export const MAX_LINE_CHARS = 1024 * 1024;

/**
 * Splits a byte stream into newline-delimited JSON objects. Chunks arrive cut anywhere (mid-line,
 * mid-character); only whole lines are parsed. A line that is not JSON goes to onBadLine, and so
 * does a line longer than maxLineChars: it is dropped up to its newline, not held in memory, so a
 * stream that never sends a newline cannot grow without bound.
 */
export class JsonLineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  /** Inside a line that was too long: everything up to the next newline is dropped. */
  private skipping = false;

  constructor(
    private readonly onObject: (value: unknown) => void,
    private readonly onBadLine: (line: string) => void = () => undefined,
    private readonly maxLineChars = MAX_LINE_CHARS,
  ) {}

  push(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.skipping) {
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      this.skipping = false;
      text = text.slice(nl + 1);
    }
    this.pending += text;
    let start = 0;
    let nl: number;
    while ((nl = this.pending.indexOf('\n', start)) >= 0) {
      this.emit(this.pending.slice(start, nl));
      start = nl + 1;
    }
    this.pending = this.pending.slice(start);
    if (this.pending.length > this.maxLineChars) {
      this.onBadLine(`${this.pending.slice(0, 80)}… (a line longer than ${this.maxLineChars} characters)`);
      this.pending = '';
      this.skipping = true;
    }
  }

  /** Parses what is left when the stream ends without a final newline. */
  end(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    this.emit(rest);
  }

  private emit(line: string): void {
    if (line.length > this.maxLineChars) {
      this.onBadLine(`${line.slice(0, 80)}… (a line longer than ${this.maxLineChars} characters)`);
      return;
    }
    const t = line.trim();
    if (!t) return;
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch {
      this.onBadLine(t.length > 200 ? `${t.slice(0, 200)}…` : t);
      return;
    }
    this.onObject(value);
  }
}
