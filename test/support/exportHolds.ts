// Whether secrets landed in a container's filesystem: its whole export, read as a stream.
import { execFile } from 'node:child_process';
import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EngineId } from './engines';

const run = promisify(execFile);

/**
 * Which of `needles` occur in the container's whole filesystem, as `engine export` writes it (to a
 * file: Podman cannot write to a socket's /dev/stdout).
 */
export async function exportHolds(engine: EngineId, id: string, needles: string[], dir: string): Promise<string[]> {
  const tar = join(dir, `export-${id.slice(0, 12)}.tar`);
  await run(engine, ['export', '-o', tar, id], { timeout: 120_000 });
  const found = new Set<string>();
  const keep = Math.max(...needles.map((n) => n.length));
  let tail = '';
  for await (const chunk of createReadStream(tar, { encoding: 'latin1' })) {
    const text = tail + (chunk as string);
    for (const n of needles) if (text.includes(n)) found.add(n);
    tail = text.slice(-keep);
  }
  rmSync(tar, { force: true });
  return [...found];
}
