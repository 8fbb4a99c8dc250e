/**
 * The host side of the detection worker. One worker thread serves the window: created on the first
 * detection (never at activation), reused, and given one folder at a time so that the time budget
 * belongs to exactly one detection. A detection over its budget terminates the worker (a new one is
 * made for the next); a worker that crashes or exits is reported the same way. Neither ever rejects:
 * the caller gets a result saying what happened. When the worker file cannot be loaded at all (tests
 * that run the sources), detection runs in-process instead, logged once.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { FolderContext } from '../types';
import type { DetectionModule, DetectRequest, FromWorker, WorkerData } from './protocol';

/** How long one folder's detection may take before it is stopped. */
export const DETECTION_BUDGET_MS = 20_000;
/** A runaway allocation ends the worker (reported as a crash), not the extension host. */
const WORKER_HEAP_MB = 1024;

export type DetectionResult =
  | { ok: true; context: FolderContext & { truncated: boolean } }
  /** A newer detection of the same folder replaced it, or the client was disposed. */
  | { ok: false; reason: 'cancelled' }
  /** Over budget, crashed or failed: `message` says so in words for the log and the Problems panel. */
  | { ok: false; reason: 'timeout' | 'crashed'; message: string };

export interface DetectionJob {
  /** How the folder is named in messages (default: the path). */
  label?: string;
  /** files.exclude / search.exclude patterns that are on. */
  exclude: string[];
  env: NodeJS.ProcessEnv;
  onInternalError?: (what: string, err: unknown) => void;
  /** Test-only hooks run inside the worker (see protocol.ts). */
  test?: DetectRequest['test'];
}

export interface DetectionClientOptions {
  /** Absolute path of the worker script (dist/detectionWorker.js, see bundle.ts). */
  workerFile: string;
  /** Absolute path of the module the worker requires for detection (dist/background.js). */
  detectionModule: string;
  /** Loads detection into this thread when the worker cannot be loaded (default: requires detectionModule). */
  inProcess?: () => DetectionModule;
  log: { info(m: string): void; warn(m: string): void };
  budgetMs?: number;
}

interface Pending {
  id: number;
  dir: string;
  job: DetectionJob;
  settle: (r: DetectionResult) => void;
  settled: boolean;
  abort?: AbortController;
}

export class DetectionClient {
  private worker: Worker | undefined;
  private ready = false;
  private inProcessWhy: string | undefined;
  private readonly queue: Pending[] = [];
  /** The detection the worker is running (one at a time). */
  private current: Pending | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly inProcessRunning = new Map<string, Pending>();
  private nextId = 1;
  private disposed = false;
  /** Worker threads started so far (a stopped or crashed one is replaced on the next detection). */
  workersStarted = 0;
  /** Per folder; the tests lower it. */
  budgetMs: number;

  constructor(private readonly o: DetectionClientOptions) {
    this.budgetMs = o.budgetMs ?? DETECTION_BUDGET_MS;
  }

  /** True once detection has fallen back to this thread. */
  get inProcess(): boolean {
    return this.inProcessWhy !== undefined;
  }

  /** Detects `dir`; a detection of the same folder still queued or running is cancelled by this one. */
  detect(dir: string, job: DetectionJob): Promise<DetectionResult> {
    this.supersede(dir);
    return new Promise<DetectionResult>((resolve) => {
      const p: Pending = { id: this.nextId++, dir, job, settled: false, settle: () => undefined };
      p.settle = (r) => {
        if (p.settled) return;
        p.settled = true;
        resolve(r);
      };
      if (this.disposed) return p.settle({ ok: false, reason: 'cancelled' });
      this.queue.push(p);
      this.pump();
    });
  }

  /** Cancels the folder's queued or running detection (the folder was removed). */
  cancel(dir: string): void {
    this.supersede(dir);
  }

  dispose(): void {
    this.disposed = true;
    for (const p of [...this.queue.splice(0), ...this.inProcessRunning.values()]) {
      p.abort?.abort();
      p.settle({ ok: false, reason: 'cancelled' });
    }
    this.current?.settle({ ok: false, reason: 'cancelled' });
    this.current = undefined;
    this.stopWorker();
  }

  private supersede(dir: string): void {
    const i = this.queue.findIndex((p) => p.dir === dir);
    if (i >= 0) this.queue.splice(i, 1)[0].settle({ ok: false, reason: 'cancelled' });
    const inProc = this.inProcessRunning.get(dir);
    inProc?.abort?.abort();
    inProc?.settle({ ok: false, reason: 'cancelled' });
    // The worker keeps the slot until it answers (or the budget runs out); the caller hears now.
    if (this.current?.dir === dir && !this.current.settled) {
      this.worker?.postMessage({ type: 'cancel', id: this.current.id });
      this.current.settle({ ok: false, reason: 'cancelled' });
    }
  }

  private pump(): void {
    if (this.inProcessWhy !== undefined) {
      for (const p of this.queue.splice(0)) void this.runInProcess(p);
      return;
    }
    if (this.current || !this.queue.length) return;
    const w = this.worker ?? this.startWorker();
    if (!w) return this.pump(); // could not start: now in-process
    const p = (this.current = this.queue.shift()!);
    const { label: _label, onInternalError: _onInternalError, ...rest } = p.job;
    const req: DetectRequest = { type: 'detect', id: p.id, dir: p.dir, ...rest, env: { ...rest.env } };
    w.postMessage(req);
    this.armTimer();
  }

  /** The budget counts from when the worker is ready (its bundle loaded), or from now if it is. */
  private armTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ms = this.budgetMs;
    if (this.current) this.timer = setTimeout(() => this.overBudget(ms), ms);
  }

  private startWorker(): Worker | undefined {
    if (!existsSync(this.o.workerFile)) {
      this.fallBack(`${this.o.workerFile} does not exist`);
      return undefined;
    }
    let w: Worker;
    try {
      const workerData: WorkerData = { cwsDetectionWorker: true, detectionModule: this.o.detectionModule };
      w = new Worker(this.o.workerFile, {
        name: 'cws-detection',
        workerData,
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      });
    } catch (err) {
      this.fallBack(err instanceof Error ? err.message : String(err));
      return undefined;
    }
    // An idle worker must not keep the process alive; a running detection's budget timer does.
    w.unref();
    this.workersStarted++;
    this.worker = w;
    this.ready = false;
    w.on('message', (m: FromWorker) => {
      if (w === this.worker) this.onMessage(m);
    });
    w.on('messageerror', (err) => {
      if (w === this.worker) this.lost(`its answer could not be read: ${err.message}`);
    });
    w.on('error', (err) => {
      if (w === this.worker) this.lost(err.message || String(err));
    });
    w.on('exit', (code) => {
      if (w === this.worker) this.lost(`the worker exited with code ${code}`);
    });
    return w;
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'ready') {
      this.ready = true;
      this.armTimer();
      return;
    }
    const p = this.current;
    if (!p || p.id !== m.id) return;
    if (m.type === 'internalError') {
      p.job.onInternalError?.(m.what, new Error(m.message));
      return;
    }
    clearTimeout(this.timer);
    this.current = undefined;
    if (m.type === 'done') p.settle({ ok: true, context: m.context });
    else p.settle({ ok: false, reason: 'crashed', message: stoppedMessage(p, m.message) });
    this.pump();
  }

  /** The worker died (crash, exit, out of memory) or never loaded. */
  private lost(why: string): void {
    const wasReady = this.ready;
    this.stopWorker();
    if (!wasReady) {
      this.fallBack(why);
      return;
    }
    const p = this.current;
    this.current = undefined;
    p?.settle({ ok: false, reason: 'crashed', message: stoppedMessage(p, why) });
    this.pump();
  }

  private overBudget(ms: number): void {
    const p = this.current;
    this.current = undefined;
    this.stopWorker();
    const what = `Detection of ${p?.job.label ?? p?.dir} took longer than ${seconds(ms)} and was stopped`;
    p?.settle({ ok: false, reason: 'timeout', message: `${what}; the container context may be incomplete.` });
    this.pump();
  }

  private stopWorker(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const w = this.worker;
    this.worker = undefined;
    this.ready = false;
    void w?.terminate().catch(() => undefined);
  }

  private fallBack(why: string): void {
    if (this.inProcessWhy === undefined)
      this.o.log.warn(
        `Context detection runs on the extension host's main thread: its worker could not be loaded (${why}).`,
      );
    this.inProcessWhy = why;
    if (this.current) this.queue.unshift(this.current);
    this.current = undefined;
    this.pump();
  }

  private async runInProcess(p: Pending): Promise<void> {
    p.abort = new AbortController();
    this.inProcessRunning.set(p.dir, p);
    try {
      const { detectDirectory, excludeMatcher } = this.o.inProcess
        ? this.o.inProcess()
        : // eslint-disable-next-line @typescript-eslint/no-require-imports
          (require(this.o.detectionModule) as DetectionModule);
      const context = await detectDirectory(p.dir, {
        exclude: excludeMatcher(Object.fromEntries(p.job.exclude.map((e) => [e, true]))),
        env: p.job.env,
        signal: p.abort.signal,
        onInternalError: p.job.onInternalError,
      });
      p.settle({ ok: true, context });
    } catch (err) {
      p.settle({
        ok: false,
        reason: 'crashed',
        message: stoppedMessage(p, err instanceof Error ? err.message : String(err)),
      });
    } finally {
      if (this.inProcessRunning.get(p.dir) === p) this.inProcessRunning.delete(p.dir);
    }
  }
}

function stoppedMessage(p: Pending, why: string): string {
  return `Detection of ${p.job.label ?? p.dir} stopped unexpectedly (${why}); the container context may be incomplete.`;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}
