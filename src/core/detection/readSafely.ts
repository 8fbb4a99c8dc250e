import { pooled } from './reads';
import type { ReadText } from './types';

/**
 * A file's text through `read`, or undefined when it cannot be had (a reader that throws counts too).
 * Detectors use `pooled(read).get` instead, which keeps why a file was not read for a diagnostic.
 */
export async function readSafely(read: ReadText, path: string): Promise<string | undefined> {
  return pooled(read).text(path);
}
