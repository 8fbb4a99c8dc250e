/**
 * Every file detection reads goes through here: once per detection (cached), at most a few at a
 * time (a pool, never a Promise.all over the whole listing), with a back-off when the process runs
 * out of file handles, and every failure kept as an outcome so the caller can say what was not read.
 */
import { basename } from 'node:path';
import { DEFAULT_MAX_BYTES, type ReadOutcome } from '../io/readBounded';
import { escapeControl } from '../text/escapeControl';
import type { ContextDiagnostic, ContextKind, ReadText, SourceRange } from './types';

export type ReadFailure = Exclude<ReadOutcome, { ok: true }>;

/** Reads in flight at once across all detectors of one folder. */
export const READ_CONCURRENCY = 16;
/** Tries after the first when the process has too many files open (EMFILE/ENFILE). */
const EMFILE_RETRIES = 4;

/** A reader's answer as an outcome: readers written before outcomes existed return text or undefined. */
function outcomeOf(result: string | undefined | ReadOutcome): ReadOutcome {
  if (typeof result === 'string') return { ok: true, text: result, bytes: Buffer.byteLength(result) };
  if (result === undefined) return { ok: false, reason: 'missing', detail: 'not readable' };
  return result;
}

function thrown(err: unknown): ReadFailure {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EMFILE' || code === 'ENFILE') return { ok: false, reason: 'tooManyOpen', detail: code };
  const msg = String((err as Error | undefined)?.message ?? err);
  return { ok: false, reason: 'unreadable', detail: code ?? msg };
}

export interface Reads {
  /** The file's outcome; never throws. */
  get(path: string): Promise<ReadOutcome>;
  /** The text, or undefined when it could not be read. */
  text(path: string): Promise<string | undefined>;
  /**
   * True once this detection has run past its time budget (or was cancelled): files not yet
   * parsed are then reported instead of parsed, so many bad files cannot add up to a long freeze.
   */
  overBudget(): boolean;
}

/** Wall time one detection may spend before it stops parsing further files. */
export const DETECTION_BUDGET_MS = 8_000;

const POOLED = new WeakMap<ReadText, Reads>();

const delay = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * The pooled, cached view of `read`. Detectors share one per detection: `pooled(read)` on a reader
 * that is already pooled gives it back, so the concurrency limit holds across all of them.
 */
export function pooled(
  read: ReadText,
  o: { concurrency?: number; signal?: AbortSignal; budgetMs?: number } = {},
): ReadText & Reads {
  const existing = POOLED.get(read);
  if (existing) return read as ReadText & Reads;
  let limit = o.concurrency ?? READ_CONCURRENCY;
  let active = 0;
  const waiting: (() => void)[] = [];
  const cache = new Map<string, Promise<ReadOutcome>>();
  const deadline = Date.now() + (o.budgetMs ?? DETECTION_BUDGET_MS);
  const acquire = async () => {
    while (active >= limit) await new Promise<void>((r) => waiting.push(r));
    active++;
  };
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  const once = async (path: string): Promise<ReadOutcome> => {
    let outcome: ReadOutcome = { ok: false, reason: 'unreadable', detail: 'cancelled' };
    for (let attempt = 0; attempt <= EMFILE_RETRIES; attempt++) {
      if (o.signal?.aborted) return { ok: false, reason: 'unreadable', detail: 'cancelled' };
      await acquire();
      try {
        outcome = outcomeOf(await read(path, o.signal));
      } catch (err) {
        outcome = thrown(err);
      } finally {
        release();
      }
      if (outcome.ok || outcome.reason !== 'tooManyOpen') return outcome;
      // Out of file handles: fewer at a time, after a pause that grows, then give up and say so.
      limit = Math.max(1, limit >> 1);
      await delay(25 * 2 ** attempt, o.signal);
    }
    return outcome;
  };
  const get = (path: string) => cache.get(path) ?? (cache.set(path, once(path)), cache.get(path)!);
  const reads: Reads = {
    get,
    overBudget: () => o.signal?.aborted === true || Date.now() > deadline,
    text: async (path) => {
      const r = await get(path);
      return r.ok ? r.text : undefined;
    },
  };
  const fn = Object.assign((path: string) => get(path), reads);
  POOLED.set(fn, fn);
  return fn;
}

/** Why a file was not read, in words ("it is a FIFO, not a regular file"). */
export function failureReason(o: ReadFailure, maxBytes = DEFAULT_MAX_BYTES): string {
  switch (o.reason) {
    case 'missing':
      return 'it does not exist';
    case 'notFile':
      return `it is ${o.detail.startsWith('not ') ? 'not a regular file' : `${o.detail}, not a regular file`}`;
    case 'tooLarge': {
      const size = maxBytes >= 1024 * 1024 ? `${maxBytes / (1024 * 1024)} MiB` : `${Math.round(maxBytes / 1024)} KiB`;
      return `it is larger than ${size}, the limit for container files`;
    }
    case 'tooManyOpen':
      return `too many files are open at once (${o.detail}); detection was retried with fewer and gave up`;
    default:
      return `it could not be read (${o.detail})`;
  }
}

/**
 * The warning for a file that was not read. `subject` is how the message names it (default its base
 * name; a reference as written in the file that names it), `file`/`range` where it is shown.
 */
export function notReadDiagnostic(
  file: string,
  o: ReadFailure,
  source: ContextKind,
  at: { subject?: string; range?: SourceRange; why?: string } = {},
): ContextDiagnostic {
  const subject = escapeControl(at.subject ?? basename(file), { maxLength: 200 });
  return {
    file,
    message: `${subject} was not read: ${failureReason(o)}${at.why ? `; ${at.why}` : '.'}`,
    severity: 'warning',
    source,
    range: at.range ?? { line: 0, column: 0, endLine: 0, endColumn: 1 },
  };
}

/** A missing file that a listing named is a race (deleted since), not the user's problem to see. */
export const worthReporting = (o: ReadOutcome): o is ReadFailure => !o.ok && o.reason !== 'missing';

/** A parser of ours that failed on a file: said so on the file rather than leaving a silent gap. */
export function internalErrorDiagnostic(file: string, err: unknown, source: ContextKind): ContextDiagnostic {
  const what = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err);
  return {
    file,
    message: `${basename(file)} was left out: detection failed on it (${what}). This is a bug in Container Workspaces.`,
    severity: 'warning',
    source,
    range: { line: 0, column: 0, endLine: 0, endColumn: 1 },
  };
}

/** A file left unparsed because the detection ran past its budget. */
export function overBudgetDiagnostic(file: string, source: ContextKind): ContextDiagnostic {
  return {
    file,
    message:
      `${escapeControl(basename(file), { maxLength: 200 })} was not parsed: detecting this folder took longer than ` +
      `${DETECTION_BUDGET_MS / 1000} s (other files in it are too large or too broken); it is left out.`,
    severity: 'warning',
    source,
    range: { line: 0, column: 0, endLine: 0, endColumn: 1 },
  };
}
