// Counts kept by the tests themselves for the two closing lines of `npm test`:
//   faults injected N / recovered N
//   bad inputs tried N / crashes 0 / hangs 0
// Each record is one JSON line appended to test-results/tally/<kind>.jsonl, so the suites (mocha,
// the extension host, the UI tests) can all add to them; scripts/test.mjs sums them at the end.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';

const dir = () => process.env.CWS_TALLY_DIR ?? join(repoRoot, 'test-results', 'tally');

function append(kind: 'faults' | 'inputs', record: object): void {
  mkdirSync(dir(), { recursive: true });
  appendFileSync(join(dir(), `${kind}.jsonl`), `${JSON.stringify({ ...record, pid: process.pid })}\n`);
}

/** One fault injected (an engine killed, a container removed mid-stream…) and whether we recovered. */
export function recordFault(name: string, recovered: boolean, detail = ''): void {
  append('faults', { name, recovered, detail });
}

export type InputOutcome = 'handled' | 'crash' | 'hang';

/** One hostile input tried: handled (a clear result or error), a crash, or a hang past its limit. */
export function recordBadInput(name: string, outcome: InputOutcome, detail = ''): void {
  append('inputs', { name, outcome, detail });
}

export class HangError extends Error {}

/**
 * Runs `fn` on one hostile input and records the outcome. `fn` returns normally when the input
 * was handled; `isCrash(err)` (default: any TypeError/RangeError/ReferenceError, i.e. a bug of
 * ours rather than a clear error) decides whether a thrown error is a crash. A run longer than
 * `limitMs` is a hang. Resolves with what `fn` returned or the clear error it threw (for the test
 * to check the message); a crash or a hang is recorded and then thrown, so the test fails.
 */
export async function tryBadInput<T>(
  name: string,
  fn: (signal: AbortSignal) => Promise<T> | T,
  o: { limitMs?: number; isCrash?: (err: unknown) => boolean } = {},
): Promise<{ value?: T; error?: unknown }> {
  const limitMs = o.limitMs ?? 10_000;
  const isCrash =
    o.isCrash ?? ((e: unknown) => e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError);
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new HangError(`${name}: no answer within ${limitMs} ms`));
    }, limitMs);
  });
  try {
    const value = await Promise.race([Promise.resolve().then(() => fn(ac.signal)), hang]);
    recordBadInput(name, 'handled');
    return { value };
  } catch (err) {
    if (err instanceof HangError) recordBadInput(name, 'hang', err.message);
    else if (isCrash(err)) recordBadInput(name, 'crash', String((err as Error)?.stack ?? err).slice(0, 500));
    else recordBadInput(name, 'handled', String((err as Error)?.message ?? err).slice(0, 200));
    if (err instanceof HangError || isCrash(err)) throw err;
    return { error: err };
  } finally {
    clearTimeout(timer);
  }
}
