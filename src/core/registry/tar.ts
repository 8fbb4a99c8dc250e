/**
 * Extracts a tar archive (gzip-compressed when its first bytes say so) from a registry or a URL into
 * a directory, treating it as hostile. Our own reader rather than the `tar` package: the rules are
 * few and must all hold, and owning them keeps every limit visible here:
 *   - regular files and directories; symbolic links only when they stay inside, hard links only to a
 *     file already extracted (copied); devices, FIFOs and anything else are refused;
 *   - absolute names, `..` components, NUL and backslashes are refused, and nothing is ever written
 *     through a link (every parent is checked to be a real directory);
 *   - total bytes (after decompression), entry count, name length and path depth are capped;
 *   - ustar (with prefix), GNU long names/links (`L`/`K`) and pax `path`/`linkpath`/`size` records.
 * Modes keep the permission bits only (no setuid); owners and times are not restored.
 */
import { constants, createReadStream } from 'node:fs';
import { copyFile, lstat, mkdir, open, readlink, realpath, symlink, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { RuntimeError } from '../runtime/errors';
import { escapeControl } from '../text/escapeControl';

export interface ExtractLimits {
  /** Bytes of file content in all, after decompression (default 512 MiB). */
  maxBytes?: number;
  /** Entries of any kind (default 10 000). */
  maxEntries?: number;
  /** Bytes of one entry's name (default 1024). */
  maxPathLength?: number;
  /** Components of one entry's name (default 32). */
  maxDepth?: number;
  signal?: AbortSignal;
}

export interface ExtractResult {
  files: number;
  directories: number;
  links: number;
  bytes: number;
}

const BLOCK = 512;
/** GNU long names and pax headers are metadata: far smaller than this. */
const MAX_META_BYTES = 1024 * 1024;

/** What went wrong, for the caller to prefix with what it was extracting (`Feature "x": …`). */
export class TarError extends RuntimeError {
  constructor(message: string, hint?: string) {
    super('invalidArgument', message, hint);
    this.name = 'TarError';
  }
}

/** Extracts the archive at `archivePath` into `destDir` (created if missing). */
export async function extractTarFile(
  archivePath: string,
  destDir: string,
  o: ExtractLimits = {},
): Promise<ExtractResult> {
  const head = Buffer.alloc(2);
  const fh = await open(archivePath, 'r');
  try {
    await fh.read(head, 0, 2, 0);
  } finally {
    await fh.close();
  }
  const raw = createReadStream(archivePath);
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const source = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (e) => source.destroy(e));
  try {
    return await extractTar(source, destDir, o);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR')
      throw new TarError('the archive is not valid gzip (or is cut short).');
    throw err;
  } finally {
    source.destroy();
    raw.destroy();
  }
}

/** Pulls exact byte counts out of an async stream of chunks. */
class Reader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Buffer>;
  private ended = false;
  constructor(stream: AsyncIterable<Buffer>) {
    this.it = stream[Symbol.asyncIterator]();
  }
  /** n bytes, or fewer only at the end of the stream. */
  async take(n: number): Promise<Buffer> {
    while (this.buf.length < n && !this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(out.length);
    return out;
  }
  /** Up to n bytes as they come (for file content: never more buffered than one chunk). */
  async some(n: number): Promise<Buffer> {
    if (this.buf.length === 0 && !this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else this.buf = r.value;
    }
    const out = this.buf.subarray(0, Math.min(n, this.buf.length));
    this.buf = this.buf.subarray(out.length);
    return out;
  }
  async close(): Promise<void> {
    await this.it.return?.();
  }
}

interface Header {
  name: string;
  type: string;
  size: number;
  mode: number;
  linkname: string;
}

export async function extractTar(
  stream: AsyncIterable<Buffer>,
  destDir: string,
  o: ExtractLimits = {},
): Promise<ExtractResult> {
  const maxBytes = o.maxBytes ?? 512 * 1024 * 1024;
  const maxEntries = o.maxEntries ?? 10_000;
  const limits = { maxPathLength: o.maxPathLength ?? 1024, maxDepth: o.maxDepth ?? 32 };
  await mkdir(destDir, { recursive: true });
  const root = await realpath(destDir);
  const reader = new Reader(stream);
  const result: ExtractResult = { files: 0, directories: 0, links: 0, bytes: 0 };
  const symlinks: string[] = [];
  let entries = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Map<string, string> = new Map();
  try {
    for (;;) {
      if (o.signal?.aborted) throw new RuntimeError('cancelled', 'Extracting was cancelled.');
      const block = await reader.take(BLOCK);
      if (block.length === 0) break; // no end-of-archive blocks: accepted, as GNU tar does
      if (block.length < BLOCK) throw new TarError('the archive is truncated (a header is cut short).');
      if (block.every((b) => b === 0)) break;
      const h = parseHeader(block);
      if (++entries > maxEntries) throw new TarError(`the archive has more than ${maxEntries} entries; refused.`);
      if (pax.has('size')) {
        const n = Number(pax.get('size'));
        if (!Number.isSafeInteger(n) || n < 0) throw new TarError('a pax size record is not a number.');
        h.size = n;
      }
      // Metadata entries: read their content, apply it to the next entry.
      if (h.type === 'L' || h.type === 'K' || h.type === 'x' || h.type === 'g') {
        if (h.size > MAX_META_BYTES) throw new TarError(`a metadata entry of ${h.size} bytes; refused.`);
        const data = await reader.take(padded(h.size));
        if (data.length < padded(h.size)) throw new TarError('the archive is truncated (in a metadata entry).');
        const content = data.subarray(0, h.size);
        if (h.type === 'L') longName = cString(content);
        else if (h.type === 'K') longLink = cString(content);
        else if (h.type === 'x') pax = parsePax(content);
        continue; // 'g' (global pax) holds nothing we use
      }
      const name = pax.get('path') ?? longName ?? h.name;
      const linkname = pax.get('linkpath') ?? longLink ?? h.linkname;
      longName = longLink = undefined;
      pax = new Map();
      const rel = safeRelative(name, limits);
      const target = rel === '' ? root : join(root, rel);
      const shown = escapeControl(name, { maxLength: 120 });
      switch (h.type) {
        case '0':
        case '\0':
        case '7': {
          if (rel === '') throw new TarError(`the entry "${shown}" is a file at the archive's root; refused.`);
          if (result.bytes + h.size > maxBytes)
            throw new TarError(`the archive unpacks to more than ${Math.round(maxBytes / 1024 / 1024)} MB; refused.`);
          await ensureParents(root, rel, shown);
          await writeFile(reader, target, h, shown);
          result.bytes += h.size;
          result.files++;
          break;
        }
        case '5':
          if (rel !== '') {
            await ensureParents(root, rel, shown);
            await makeDir(target, h.mode, shown);
            result.directories++;
          }
          await skip(reader, padded(h.size));
          break;
        case '2': {
          if (rel === '') throw new TarError(`the entry "${shown}" is a link at the archive's root; refused.`);
          checkLinkTarget(rel, linkname, shown, limits);
          await ensureParents(root, rel, shown);
          await removeIfPresent(target);
          await symlink(linkname, target);
          symlinks.push(target);
          result.links++;
          await skip(reader, padded(h.size));
          break;
        }
        case '1': {
          const from = safeRelative(linkname, limits);
          const fromPath = join(root, from);
          const st = from === '' ? undefined : await lstat(fromPath).catch(() => undefined);
          if (!st?.isFile())
            throw new TarError(
              `the hard link "${shown}" points to "${escapeControl(linkname, { maxLength: 120 })}", ` +
                'which is no file extracted before it; refused.',
            );
          if (result.bytes + st.size > maxBytes)
            throw new TarError(`the archive unpacks to more than ${Math.round(maxBytes / 1024 / 1024)} MB; refused.`);
          await ensureParents(root, rel, shown);
          await removeIfPresent(target);
          await copyFile(fromPath, target);
          result.bytes += st.size;
          result.links++;
          await skip(reader, padded(h.size));
          break;
        }
        default:
          throw new TarError(
            `the entry "${shown}" is ${kindName(h.type)}; only files, directories and links are allowed.`,
          );
      }
    }
    // A link that looked inside when made can point out through another link made later: resolve them all now.
    for (const link of symlinks) {
      const real = await realpath(link).catch(() => undefined);
      const shown = escapeControl(relative(root, link), { maxLength: 120 });
      if (real === undefined) throw new TarError(`the link "${shown}" points to nothing in the archive; refused.`);
      if (real !== root && !real.startsWith(root + sep))
        throw new TarError(
          `the link "${shown}" leads outside the archive ` +
            `(to ${escapeControl(await readlink(link), { maxLength: 80 })}); refused.`,
        );
    }
    return result;
  } finally {
    await reader.close().catch(() => undefined);
  }
}

function padded(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? b.length : nul).toString('utf8');
}

function octal(b: Buffer, what: string): number {
  // Base-256 (GNU, for sizes over 8 GB): the first byte's high bit is set.
  if (b[0] & 0x80) {
    let n = 0;
    for (let i = 1; i < b.length; i++) n = n * 256 + b[i];
    if (!Number.isSafeInteger(n)) throw new TarError(`a tar header's ${what} is out of range.`);
    return n;
  }
  const s = cString(b).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarError(`a tar header's ${what} is not a number; this is not a tar archive.`);
  return parseInt(s, 8);
}

function parseHeader(b: Buffer): Header {
  const stored = octal(b.subarray(148, 156), 'checksum');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i];
  if (sum !== stored)
    throw new TarError('a tar header has a wrong checksum; this is not a tar archive (or it is damaged).');
  let name = cString(b.subarray(0, 100));
  const magic = b.subarray(257, 262).toString('latin1');
  if (magic === 'ustar') {
    const prefix = cString(b.subarray(345, 500));
    // GNU tar's "ustar  " magic keeps times there instead of a prefix.
    if (prefix && b[262] === 0) name = `${prefix}/${name}`;
  }
  return {
    name,
    type: String.fromCharCode(b[156]),
    size: octal(b.subarray(124, 136), 'size'),
    mode: octal(b.subarray(100, 108), 'mode'),
    linkname: cString(b.subarray(157, 257)),
  };
}

/** `27 path=some/long/name\n` records. */
function parsePax(b: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < b.length) {
    const space = b.indexOf(0x20, i);
    if (space < 0) break;
    const len = Number(b.subarray(i, space).toString('latin1'));
    if (!Number.isSafeInteger(len) || len <= space - i || i + len > b.length)
      throw new TarError('a pax header is malformed.');
    const record = b.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    i += len;
  }
  return out;
}

/** The entry's name as a relative path inside the archive ('' for the root), or a refusal. */
function safeRelative(name: string, l: { maxPathLength: number; maxDepth: number }): string {
  const shown = escapeControl(name, { maxLength: 120 });
  if (Buffer.byteLength(name) > l.maxPathLength)
    throw new TarError(`an entry's name is longer than ${l.maxPathLength} bytes ("${shown}"); refused.`);
  if (name.includes('\0') || name.includes('\\'))
    throw new TarError(`the entry "${shown}" has a NUL or backslash in its name; refused.`);
  if (name.startsWith('/') || isAbsolute(name))
    throw new TarError(`the entry "${shown}" has an absolute path; refused.`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new TarError(`the entry "${shown}" has a ".." in its path; refused.`);
  if (parts.length > l.maxDepth)
    throw new TarError(`the entry "${shown}" is nested more than ${l.maxDepth} deep; refused.`);
  return parts.join('/');
}

/** A symlink's target, resolved from the link's own folder, must stay inside. */
function checkLinkTarget(rel: string, linkname: string, shown: string, l: { maxPathLength: number }): void {
  if (linkname === '' || Buffer.byteLength(linkname) > l.maxPathLength || linkname.includes('\0'))
    throw new TarError(`the link "${shown}" has an empty or over-long target; refused.`);
  if (linkname.startsWith('/') || isAbsolute(linkname))
    throw new TarError(
      `the link "${shown}" points to the absolute path ${escapeControl(linkname, { maxLength: 80 })}; refused.`,
    );
  const fakeRoot = resolve('/__root__');
  const to = resolve(fakeRoot, dirname(rel), linkname);
  if (to !== fakeRoot && !to.startsWith(fakeRoot + sep))
    throw new TarError(
      `the link "${shown}" points outside the archive (${escapeControl(linkname, { maxLength: 80 })}); refused.`,
    );
}

/** Creates missing parents; an existing parent must be a real directory, never a link. */
async function ensureParents(root: string, rel: string, shown: string): Promise<void> {
  const parts = rel.split('/').slice(0, -1);
  let dir = root;
  for (const p of parts) {
    dir = join(dir, p);
    const st = await lstat(dir).catch(() => undefined);
    if (!st) await mkdir(dir, { mode: 0o755 });
    else if (!st.isDirectory())
      throw new TarError(`the entry "${shown}" would be written through a link or file "${p}"; refused.`);
  }
}

async function makeDir(target: string, mode: number, shown: string): Promise<void> {
  const st = await lstat(target).catch(() => undefined);
  if (st?.isDirectory()) return;
  if (st) throw new TarError(`the directory "${shown}" replaces a file or link; refused.`);
  await mkdir(target, { mode: (mode & 0o777) | 0o700 });
}

async function removeIfPresent(target: string): Promise<void> {
  const st = await lstat(target).catch(() => undefined);
  if (!st) return;
  if (st.isDirectory())
    throw new TarError(`the entry "${escapeControl(target, { maxLength: 120 })}" replaces a directory; refused.`);
  await unlink(target);
}

async function writeFile(reader: Reader, target: string, h: Header, shown: string): Promise<void> {
  await removeIfPresent(target);
  let fh: FileHandle | undefined;
  try {
    fh = await open(
      target,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
      (h.mode & 0o777) | 0o600,
    );
    let left = h.size;
    while (left > 0) {
      const chunk = await reader.some(left);
      if (chunk.length === 0) throw new TarError(`the archive is truncated (in "${shown}").`);
      await fh.write(chunk);
      left -= chunk.length;
    }
  } finally {
    await fh?.close();
  }
  await skip(reader, padded(h.size) - h.size);
}

async function skip(reader: Reader, n: number): Promise<void> {
  let left = n;
  while (left > 0) {
    const chunk = await reader.some(left);
    if (chunk.length === 0) throw new TarError('the archive is truncated.');
    left -= chunk.length;
  }
}

function kindName(type: string): string {
  switch (type) {
    case '3':
      return 'a character device';
    case '4':
      return 'a block device';
    case '6':
      return 'a FIFO';
    default:
      return `of an unknown kind (type ${escapeControl(JSON.stringify(type))})`;
  }
}
