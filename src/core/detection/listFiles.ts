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
}

export interface Listing {
  /** Relative POSIX paths of files. */
  files: string[];
  truncated: boolean;
}

/**
 * Lists a folder's files without following symbolic links (so link loops cannot hang it), skipping
 * SKIP_DIRS and excluded paths, within depth and count limits. Unreadable directories are passed over.
 */
export async function listFiles(root: string, o: ListOptions = {}): Promise<Listing> {
  const maxDepth = o.maxDepth ?? 8;
  const maxFiles = o.maxFiles ?? 200_000;
  const concurrency = o.concurrency ?? 32;
  const exclude = o.exclude ?? (() => false);
  const files: string[] = [];
  let truncated = false;
  const queue: { rel: string; depth: number }[] = [{ rel: '', depth: 0 }];
  let active = 0;

  await new Promise<void>((resolve) => {
    const pump = () => {
      while (active < concurrency && queue.length && !truncated && !o.signal?.aborted) {
        const dir = queue.pop()!;
        active++;
        readdir(dir.rel ? join(root, dir.rel) : root, { withFileTypes: true })
          .then(
            (entries) => {
              for (const e of entries) {
                const rel = dir.rel ? `${dir.rel}/${e.name}` : e.name;
                if (e.isDirectory()) {
                  if (dir.depth < maxDepth && !SKIP_DIRS.has(e.name) && !exclude(rel))
                    queue.push({ rel, depth: dir.depth + 1 });
                } else if (e.isFile()) {
                  if (exclude(rel)) continue;
                  if (files.length >= maxFiles) {
                    truncated = true;
                    break;
                  }
                  files.push(rel);
                }
                // Symbolic links and other entries are not followed.
              }
            },
            () => undefined,
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
  return { files, truncated };
}
