import { RuntimeError } from '../../src/core/runtime/errors';

/** Polls until `probe` gives something other than undefined, or fails after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** For assert.rejects: a RuntimeError with this code. */
export const isCode = (code: string) => (e: unknown) => e instanceof RuntimeError && e.code === code;
