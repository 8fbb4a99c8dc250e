/**
 * At most `limit` tasks at once, the rest queued in order: one CLI call per container (inspect,
 * stats, stop … on a long selection) must not start a process per container all at once.
 */
import { RuntimeError } from '../errors';

export class Pool {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Runs `task` once a slot is free; a signal aborted while waiting takes it out of the queue. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.active >= this.limit) await this.slot(signal);
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Waiting (not yet running) tasks. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves when a finishing task hands its slot over (active stays the same). */
  private slot(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const cancelled = () => new RuntimeError('cancelled', 'The request was cancelled.');
      if (signal?.aborted) {
        reject(cancelled());
        return;
      }
      const onAbort = () => {
        const i = this.queue.indexOf(take);
        if (i >= 0) this.queue.splice(i, 1);
        reject(cancelled());
      };
      const take = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(take);
    });
  }
}
