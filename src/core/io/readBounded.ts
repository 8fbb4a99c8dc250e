/**
 * Reading files that may be hostile: only regular files (a FIFO, socket, device or directory is
 * refused without blocking), and bounded by the bytes actually read, never by the size a file
 * claims (a device claims none). Every outcome is a value, so callers can turn it into a diagnostic.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export type ReadOutcome =
  | { ok: true; text: string; bytes: number }
  | { ok: false; reason: 'missing' | 'notFile' | 'tooLarge' | 'unreadable' | 'tooManyOpen'; detail: string };

export interface ReadBoundedOptions {
  /** Refuse files with more bytes than this (default 1 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;

/** What `reason` means, for a diagnostic or a message ("… is not a regular file"). */
export function describeReadFailure(o: Exclude<ReadOutcome, { ok: true }>, maxBytes = DEFAULT_MAX_BYTES): string {
  switch (o.reason) {
    case 'missing':
      return 'it does not exist';
    case 'notFile':
      return `it is not a regular file (${o.detail})`;
    case 'tooLarge':
      return `it is larger than ${Math.round(maxBytes / 1024)} KiB`;
    case 'tooManyOpen':
      return 'too many files are open at once (EMFILE); try again later';
    default:
      return `it could not be read (${o.detail})`;
  }
}

function kindOf(st: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Opens with O_NONBLOCK (so a FIFO with no writer cannot block a libuv thread), checks the handle is
 * a regular file, then reads at most maxBytes + 1 bytes. Links are followed: what matters is what
 * they point at, which is checked the same way.
 */
export async function readBounded(path: string, o: ReadBoundedOptions = {}): Promise<ReadOutcome> {
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = await fh.stat();
    if (!st.isFile()) return { ok: false, reason: 'notFile', detail: kindOf(st) };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      if (o.signal?.aborted) return { ok: false, reason: 'unreadable', detail: 'cancelled' };
      const want = Math.min(64 * 1024, maxBytes + 1 - total);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return { ok: false, reason: 'tooLarge', detail: `more than ${maxBytes} bytes` };
    }
    return { ok: true, text: Buffer.concat(chunks, total).toString('utf8'), bytes: total };
  } catch (err) {
    return failure(err);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** Synchronous twin for the few readers that are synchronous (the user's Docker config at selection). */
export function readBoundedSync(path: string, o: { maxBytes?: number } = {}): ReadOutcome {
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, reason: 'notFile', detail: kindOf(st) };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(64 * 1024, maxBytes + 1 - total);
      const buf = Buffer.allocUnsafe(want);
      const n = readSync(fd, buf, 0, want, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > maxBytes) return { ok: false, reason: 'tooLarge', detail: `more than ${maxBytes} bytes` };
    }
    return { ok: true, text: Buffer.concat(chunks, total).toString('utf8'), bytes: total };
  } catch (err) {
    return failure(err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function failure(err: unknown): Exclude<ReadOutcome, { ok: true }> {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'missing', detail: code };
  if (code === 'EMFILE' || code === 'ENFILE') return { ok: false, reason: 'tooManyOpen', detail: code };
  if (code === 'EISDIR') return { ok: false, reason: 'notFile', detail: 'a directory' };
  if (code === 'ENXIO') return { ok: false, reason: 'notFile', detail: 'a socket or device' };
  return { ok: false, reason: 'unreadable', detail: code || String((err as Error).message ?? err) };
}
