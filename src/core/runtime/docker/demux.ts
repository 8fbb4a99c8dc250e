import { StringDecoder } from 'node:string_decoder';

/**
 * Reads Docker's multiplexed attach/logs stream (non-TTY containers): frames of an 8-byte header
 * [stream type, 0, 0, 0, size (uint32 big-endian)] followed by the payload. Frames and UTF-8
 * characters may be cut across chunks; text is delivered per stream only when whole.
 */
/** Docker cuts output into frames of at most 32 KiB; a header claiming more than this is not one. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export class FrameDemuxer {
  private buf: Buffer = Buffer.alloc(0);
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  /**
   * Set when the bytes stop looking like frames (a stream type other than 0–2, non-zero padding,
   * an impossible size): the rest is passed on as text rather than waited on as a frame that will
   * never be complete, so a confused engine cannot make us buffer without bound.
   */
  private raw = false;

  constructor(private readonly onText: (stream: 'stdout' | 'stderr', text: string) => void) {}

  push(chunk: Buffer): void {
    if (this.raw) return this.text(chunk);
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      const header = this.buf[0] <= 2 && this.buf[1] === 0 && this.buf[2] === 0 && this.buf[3] === 0;
      if (!header || size > MAX_FRAME_BYTES) {
        this.raw = true;
        const rest = this.buf;
        this.buf = Buffer.alloc(0);
        return this.text(rest);
      }
      if (this.buf.length < 8 + size) break;
      const stream = this.buf[0] === 2 ? 'stderr' : 'stdout';
      const text = this.decoders[stream].write(this.buf.subarray(8, 8 + size));
      this.buf = this.buf.subarray(8 + size);
      if (text) this.onText(stream, text);
    }
  }

  private text(b: Buffer): void {
    const t = this.decoders.stdout.write(b);
    if (t) this.onText('stdout', t);
  }

  end(): void {
    if (this.buf.length) {
      // A cut-off frame at the end: what there is of its payload.
      const t = this.decoders.stdout.write(this.buf.subarray(Math.min(8, this.buf.length)));
      this.buf = Buffer.alloc(0);
      if (t) this.onText('stdout', t);
    }
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.decoders[stream].end();
      if (rest) this.onText(stream, rest);
    }
  }
}

/** A TTY stream is raw text on stdout. */
export class RawText {
  private readonly decoder = new StringDecoder('utf8');
  constructor(private readonly onText: (stream: 'stdout', text: string) => void) {}
  push(chunk: Buffer): void {
    const t = this.decoder.write(chunk);
    if (t) this.onText('stdout', t);
  }
  end(): void {
    const t = this.decoder.end();
    if (t) this.onText('stdout', t);
  }
}
