/**
 * A local Feature folder (or an extracted OCI / tarball Feature) read for the layer's context and
 * content hash: regular files and folders only (a link, FIFO or device is refused, so nothing
 * outside the folder is packed and nothing blocks), bounded in files, bytes and depth.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { featureError, quote } from './errors';
import type { FeatureFile } from './layer';

export const FOLDER_LIMITS = {
  /** Files in one Feature folder. */
  maxFiles: 1000,
  /** Bytes of all its files together. */
  maxBytes: 64 * 1024 * 1024,
  /** Folder nesting below the Feature's root. */
  maxDepth: 16,
};

/** Reads every file of a Feature folder (posix relative paths, sorted); throws a RuntimeError naming the culprit. */
export async function readFeatureFolder(dir: string, limits = FOLDER_LIMITS): Promise<FeatureFile[]> {
  const files: FeatureFile[] = [];
  let total = 0;
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > limits.maxDepth)
      throw featureError(
        `The Feature folder ${quote(dir)} nests deeper than ${limits.maxDepth} levels.`,
        'Flatten it.',
      );
    const names = (await readdir(join(dir, rel))).sort();
    for (const name of names) {
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(dir, r));
      if (st.isDirectory()) await walk(r, depth + 1);
      else if (st.isFile()) {
        if (files.length >= limits.maxFiles)
          throw featureError(
            `The Feature folder ${quote(dir)} has more than ${limits.maxFiles} files.`,
            'Remove files.',
          );
        total += st.size;
        if (total > limits.maxBytes)
          throw featureError(
            `The Feature folder ${quote(dir)} holds more than ${limits.maxBytes / 1024 / 1024} MiB.`,
            'Remove large files from the Feature.',
          );
        const bytes = await readFile(join(dir, r));
        if (bytes.length !== st.size)
          throw featureError(`The file ${quote(r)} of the Feature ${quote(dir)} changed while read.`, 'Try again.');
        files.push({ path: r, bytes, executable: (st.mode & 0o111) !== 0 });
      } else
        throw featureError(
          `The Feature folder ${quote(dir)} holds ${quote(r)}, which is not a regular file or folder (a link?).`,
          'Replace links by the files they point to.',
        );
    }
  };
  await walk('', 0);
  for (const required of ['devcontainer-feature.json', 'install.sh'])
    if (!files.some((f) => f.path === required))
      throw featureError(
        `The Feature folder ${quote(dir)} has no ${required}.`,
        'A Feature needs both devcontainer-feature.json and install.sh.',
      );
  return files;
}
