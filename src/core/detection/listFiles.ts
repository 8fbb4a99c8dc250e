import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Directories never worth looking into for container files. */
export const SKIP_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'out',
  'build',
  'target',
  'bin',
  'obj',
  '.next',
  '.nuxt',
  '.cache',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  '.gradle',
  '.idea',
  'coverage',
  'vendor',
  'bower_components',
  '.terraform',
]);

export interface ListOptions {
  /** Relative POSIX path → true to leave it out (the user's files.exclude / search.exclude). */
  exclude?: (relPath: string) => boolean;
  /** Directory levels below the folder to descend (default 8). */
  maxDepth?: number;
  /** Stop after this many files (default 200,000); `truncated` then says so. */
  maxFiles?: number;
  /** readdir calls in flight (default 32). */
  concurrency?: number;
  signal?: AbortSignal;
  /**
   * Entries that are no regular file (links, FIFOs, sockets, devices) or directories, by name:
   * true to list them in `special` (they are never followed; reading one is the caller's choice).
   */
  noteSpecial?: (name: string, kind: 'link' | 'directory' | 'other') => boolean;
}

export interface Listing {
  /** Relative POSIX paths of regular files. */
  files: string[];
  truncated: boolean;
  /** Relative POSIX paths of the entries noteSpecial chose. */
  special: string[];
  /** Directories that could not be listed (absolute path, error code), after retries for EMFILE. */
  unreadable: { path: string; code: string }[];
}

/** Tries after the first for a directory that fails with EMFILE/ENFILE. */
const EMFILE_RETRIES = 4;

/**
 * Lists a folder's files without following symbolic links (so link loops cannot hang it), skipping
 * SKIP_DIRS and excluded paths, within depth and count limits. A directory that cannot be read is
 * in `unreadable`; one that fails for lack of file handles (EMFILE/ENFILE) is retried first, with
 * fewer reads at a time.
 */
export async function listFiles(root: string, o: ListOptions = {}): Promise<Listing> {
  const maxDepth = o.maxDepth ?? 8;
  const maxFiles = o.maxFiles ?? 200_000;
  let concurrency = o.concurrency ?? 32;
  const exclude = o.exclude ?? (() => false);
  const files: string[] = [];
  const special: string[] = [];
  const unreadable: Listing['unreadable'] = [];
  let truncated = false;
  const queue: { rel: string; depth: number; tries?: number }[] = [{ rel: '', depth: 0 }];
  let active = 0;

  await new Promise<void>((resolve) => {
    const pump = () => {
      while (active < concurrency && queue.length && !truncated && !o.signal?.aborted) {
        const dir = queue.pop()!;
        active++;
        const path = dir.rel ? join(root, dir.rel) : root;
        readdir(path, { withFileTypes: true })
          .then(
            (entries) => {
              for (const e of entries) {
                const rel = dir.rel ? `${dir.rel}/${e.name}` : e.name;
                if (e.isDirectory()) {
                  if (o.noteSpecial?.(e.name, 'directory') && !exclude(rel)) special.push(rel);
                  if (dir.depth < maxDepth && !SKIP_DIRS.has(e.name) && !exclude(rel))
                    queue.push({ rel, depth: dir.depth + 1 });
                } else if (!e.isFile()) {
                  if (o.noteSpecial?.(e.name, e.isSymbolicLink() ? 'link' : 'other') && !exclude(rel))
                    special.push(rel);
                } else {
                  if (exclude(rel)) continue;
                  if (files.length >= maxFiles) {
                    truncated = true;
                    break;
                  }
                  files.push(rel);
                }
                // Symbolic links are not followed, so link loops cannot hang the listing.
              }
            },
            async (err: NodeJS.ErrnoException) => {
              const code = err.code ?? 'EIO';
              const tries = dir.tries ?? 0;
              if ((code === 'EMFILE' || code === 'ENFILE') && tries < EMFILE_RETRIES) {
                // Out of file handles: fewer at a time, after a pause, then this directory again.
                concurrency = Math.max(1, concurrency >> 1);
                await new Promise((r) => setTimeout(r, 25 * 2 ** tries));
                queue.push({ ...dir, tries: tries + 1 });
              } else if (code !== 'ENOENT' || dir.rel) unreadable.push({ path, code });
            },
          )
          .finally(() => {
            active--;
            if (active === 0 && (!queue.length || truncated || o.signal?.aborted)) resolve();
            else pump();
          });
      }
      if (active === 0) resolve();
    };
    pump();
  });
  return { files, truncated, special, unreadable };
}
