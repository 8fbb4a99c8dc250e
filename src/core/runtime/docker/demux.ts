import { StringDecoder } from 'node:string_decoder';

/**
 * Reads Docker's multiplexed attach/logs stream (non-TTY containers): frames of an 8-byte header
 * [stream type, 0, 0, 0, size (uint32 big-endian)] followed by the payload. Frames and UTF-8
 * characters may be cut across chunks; text is delivered per stream only when whole.
 */
export class FrameDemuxer {
  private buf: Buffer = Buffer.alloc(0);
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  constructor(private readonly onText: (stream: 'stdout' | 'stderr', text: string) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      const stream = this.buf[0] === 2 ? 'stderr' : 'stdout';
      const text = this.decoders[stream].write(this.buf.subarray(8, 8 + size));
      this.buf = this.buf.subarray(8 + size);
      if (text) this.onText(stream, text);
    }
  }

  end(): void {
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
