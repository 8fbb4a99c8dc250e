import type { ReadText } from './types';

/** A file's text through `read`, or undefined when it cannot be had (a reader that throws counts too). */
export async function readSafely(read: ReadText, path: string): Promise<string | undefined> {
  try {
    return await read(path);
  } catch {
    return undefined;
  }
}
