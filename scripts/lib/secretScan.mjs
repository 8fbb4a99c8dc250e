// Greps what the test suite leaves behind (logs, output-channel files, terminal transcripts,
// results) for secret values that were set during the run, so a secret that leaked into any of them
// fails the run. Regular files only (links, FIFOs, sockets and devices are never opened: a FIFO
// would block), each read in bounded chunks; files over 50 MB are skipped and reported.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MAX_FILE_BYTES = 50 * 1024 * 1024;
const CHUNK = 1024 * 1024;
/** A folder tree deeper than this, or with more files than this, is not followed further. */
const MAX_DEPTH = 32;
const MAX_FILES = 200_000;

/**
 * The files under `roots` (files or folders; missing ones are ignored) that contain any of
 * `secrets`: one entry per file and secret. Secrets shorter than 8 characters are refused (they
 * would match by chance). `o.skipped` collects the files that were too large to read.
 * @param {string[]} roots
 * @param {string[]} secrets
 * @param {{ skipped?: string[] }} [o]
 * @returns {{ file: string, secret: string }[]}
 */
export function scanForSecrets(roots, secrets, o = {}) {
  const wanted = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length))];
  for (const s of wanted) if (s.length < 8) throw new Error(`secret too short to scan for (${s.length} characters)`);
  if (!wanted.length) return [];
  const needles = wanted.map((s) => ({ secret: s, bytes: Buffer.from(s, 'utf8') }));
  const overlap = Math.max(...needles.map((n) => n.bytes.length)) - 1;
  const found = [];
  let files = 0;

  const scanFile = (file) => {
    let fd;
    try {
      // O_NONBLOCK: opening a FIFO that appeared between lstat and open must not block.
      fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
    } catch {
      return;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return;
      if (st.size > MAX_FILE_BYTES) {
        o.skipped?.push(file);
        return;
      }
      const hit = new Set();
      const buf = Buffer.alloc(CHUNK + overlap);
      let carry = 0;
      let total = 0;
      for (;;) {
        const n = readSync(fd, buf, carry, CHUNK, null);
        if (n <= 0) break;
        total += n;
        // Bounded by what was read, not by the size the file claimed.
        if (total > MAX_FILE_BYTES) {
          o.skipped?.push(file);
          break;
        }
        const view = buf.subarray(0, carry + n);
        for (const nd of needles) if (!hit.has(nd.secret) && view.includes(nd.bytes)) hit.add(nd.secret);
        if (hit.size === needles.length) break;
        carry = Math.min(overlap, view.length);
        view.copy(buf, 0, view.length - carry);
      }
      for (const secret of hit) found.push({ file, secret });
    } catch {
      // Unreadable midway (removed, permissions): nothing to say about it.
    } finally {
      closeSync(fd);
    }
  };

  const walk = (path, depth) => {
    if (files >= MAX_FILES || depth > MAX_DEPTH) return;
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      let names;
      try {
        names = readdirSync(path);
      } catch {
        return;
      }
      for (const name of names.sort()) walk(join(path, name), depth + 1);
    } else if (st.isFile()) {
      files++;
      scanFile(path);
    }
  };

  for (const r of roots) walk(r, 0);
  return found;
}

/**
 * Where the suite leaves logs: test-results/ (results, tallies, screenshots, transcripts), the
 * code-server data folders the in-VS Code and UI tests use (their logs/ hold every output channel,
 * the extension host's log and the terminals' logs), the engines' logs, and /tmp/cws-*.log.
 * @param {string} repoRoot
 * @returns {string[]}
 */
export function defaultScanRoots(repoRoot, tmp = tmpdir()) {
  const roots = [join(repoRoot, 'test-results')];
  let names = [];
  try {
    names = readdirSync(tmp);
  } catch {
    /* no temp dir listing: only the repository's results */
  }
  for (const name of names) {
    if (!name.startsWith('cws-')) continue;
    const p = join(tmp, name);
    if (name.startsWith('cws-vscode-') || name.startsWith('cws-ui-')) roots.push(join(p, 'ud', 'logs'));
    else if (name === 'cws-engines') roots.push(p);
    else if (/\.(log|txt|jsonl?)$/.test(name)) roots.push(p);
  }
  return roots;
}

/** The secrets the suite sets (scripts/test.mjs exports them for the whole run). */
export const SECRET_ENV = ['CWS_TEST_SECRET_TOKEN', 'CWS_TEST_REGISTRY_PASSWORD'];
