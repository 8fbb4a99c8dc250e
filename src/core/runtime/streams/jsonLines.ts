import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into newline-delimited JSON objects. Chunks arrive cut anywhere (mid-line,
 * mid-character); only whole lines are parsed. A line that is not JSON goes to onBadLine.
 */
export class JsonLineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly onObject: (value: unknown) => void,
    private readonly onBadLine: (line: string) => void = () => undefined,
  ) {}

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      this.emit(line);
    }
  }

  /** Parses what is left when the stream ends without a final newline. */
  end(): void {
    this.pending += this.decoder.end();
    const rest = this.pending;
    this.pending = '';
    this.emit(rest);
  }

  private emit(line: string): void {
    const t = line.trim();
    if (!t) return;
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch {
      this.onBadLine(t);
      return;
    }
    this.onObject(value);
  }
}
