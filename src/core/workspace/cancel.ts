import { RuntimeError } from '../runtime/errors';

export function cancelledError(): RuntimeError {
  return new RuntimeError('cancelled', 'Creating the workspace container was cancelled.');
}

/** Throws the cancellation error once the signal is aborted. */
export function checkSignal(signal?: AbortSignal): void {
  if (signal?.aborted) throw cancelledError();
}

/**
 * Runs a step that takes the signal; it ends with the cancellation error as soon as the signal is
 * aborted, without waiting for the step to notice (a cancelled pull or build stream of the Docker
 * runtime does not always settle its promise), and whatever it fails with after that is the
 * cancellation too.
 */
export async function step<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  checkSignal(signal);
  if (!signal) return run();
  let onAbort = () => undefined as void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const work = run();
    work.catch(() => undefined); // a failure after the abort is not unhandled
    const v = await Promise.race([work, aborted]);
    checkSignal(signal);
    return v;
  } catch (err) {
    if (signal.aborted) throw cancelledError();
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
