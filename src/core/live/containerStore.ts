import { RuntimeError } from '../runtime/errors';
import type { ContainerRuntime, ContainerSummary, ResourceEvent, RuntimeEvent, Subscription } from '../runtime/types';
import { Backoff } from './backoff';

/** What changed in one step; `reset` means everything was replaced (runtime switched). */
export interface StoreChange {
  reset: boolean;
  added: ContainerSummary[];
  /** The new summaries of containers whose shown fields changed. */
  updated: { before: ContainerSummary; after: ContainerSummary }[];
  removed: ContainerSummary[];
}

export interface ContainerStoreOptions {
  /** Full list while someone looks, even with an event stream (default 60 s). */
  reconcileMs?: number;
  /** List interval for runtimes that cannot push events (default 3 s). */
  pollMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /**
   * While the engine does not answer at all, it is pinged (GET /_ping, cheap) at least this often,
   * so the list is back within seconds of the engine answering again (default 1 s).
   */
  probeMs?: number;
  /**
   * Told once when an outage starts (`warn`: the first failure; the store retries by itself) and
   * once when it ends (`info`: reconnected) — not at every retry.
   */
  log?: (message: string, level: 'warn' | 'info') => void;
}

/** The failures that mean the engine does not answer: worth a cheap ping soon rather than a long back-off. */
const notAnswering = (e: Error) => e instanceof RuntimeError && (e.code === 'unavailable' || e.code === 'timeout');

type Listener<T> = (v: T) => void;

/** How long events are gathered before the containers they name are re-read. */
const COALESCE_MS = 10;
/**
 * dockerd sends `die` before the list it answers from says "exited" (it cleans up in between, and
 * sends no event when it is done): a container whose list answer still contradicts its last event
 * is read again after 50, 100, 200 … ms, up to RECHECK_TRIES times.
 */
const RECHECK_FIRST_MS = 50;
const RECHECK_TRIES = 6;

type Expectation = (c: ContainerSummary | undefined) => boolean;

/** What the list should show after this event, when the event says. */
function expectationOf(action: RuntimeEvent['action']): Expectation | undefined {
  switch (action) {
    case 'die':
    case 'stop':
      return (c) => !c || (c.state !== 'running' && c.state !== 'paused');
    case 'start':
    case 'unpause':
      return (c) => !c || (c.state !== 'created' && c.state !== 'paused');
    case 'pause':
      return (c) => !c || c.state === 'paused';
    case 'destroy':
      return (c) => !c;
    default:
      return undefined;
  }
}

/**
 * The live list of one runtime's containers, kept only while someone holds it (a visible view):
 * one event stream (or, for runtimes that cannot push, a poll) plus a full list at most every
 * `reconcileMs`. Events are coalesced: the ids they name are re-read with one filtered list.
 * Released by everyone: no stream, no timer, no request. Plain Node: used by the views and by
 * benchmarks.
 */
export class ContainerStore {
  private rt: ContainerRuntime | undefined;
  private readonly map = new Map<string, ContainerSummary>();
  private users = 0;
  /** Bumped whenever the connection is torn down, so late answers from it are dropped. */
  private epoch = 0;
  private events: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<string>();
  /** Containers whose last event says what their state should be, until a list agrees. */
  private readonly expected = new Map<string, { check: Expectation; tries: number }>();
  private readonly recheckTimers = new Set<NodeJS.Timeout>();
  private flushQueued = false;
  /** Lists run one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private readonly backoff: Backoff;
  private _loaded = false;
  private _error: Error | undefined;
  private settle: (() => void) | undefined;
  private settled: Promise<void> = Promise.resolve();
  private readonly changeListeners = new Set<Listener<StoreChange>>();
  private readonly statusListeners = new Set<Listener<void>>();
  private readonly resourceListeners = new Set<Listener<ResourceEvent>>();
  private readonly reconcileMs: number;
  private readonly pollMs: number;
  private readonly probeMs: number;
  /** When the outage under way began (the first failure since the last success). */
  private outageSince: number | undefined;
  /** Requests made (lists), for diagnostics and tests. */
  requests = 0;
  /** Outages seen (a failure after a success, or before the first): each is logged once. */
  outages = 0;

  constructor(private readonly o: ContainerStoreOptions = {}) {
    this.reconcileMs = o.reconcileMs ?? 60_000;
    this.pollMs = o.pollMs ?? 3_000;
    this.probeMs = o.probeMs ?? 1_000;
    this.backoff = new Backoff(o.backoffInitialMs ?? 500, o.backoffMaxMs ?? 30_000);
  }

  get runtime(): ContainerRuntime | undefined {
    return this.rt;
  }
  /** Someone holds the store: it is connected or trying to be. */
  get active(): boolean {
    return this.users > 0;
  }
  /** A full list of the current runtime has succeeded (the contents are meaningful). */
  get loaded(): boolean {
    return this._loaded;
  }
  /** The last failure, cleared by the next success. */
  get error(): Error | undefined {
    return this._error;
  }
  /** A failure since the last success: the store is retrying (the contents may be stale). */
  get outage(): boolean {
    return this.outageSince !== undefined;
  }
  get containers(): ContainerSummary[] {
    return [...this.map.values()];
  }
  get size(): number {
    return this.map.size;
  }
  get(id: string): ContainerSummary | undefined {
    return this.map.get(id);
  }
  /** An event stream is open. */
  get streaming(): boolean {
    return !!this.events;
  }

  onDidChange(l: Listener<StoreChange>): () => void {
    this.changeListeners.add(l);
    return () => this.changeListeners.delete(l);
  }

  /** Image, volume and network events from the same stream (the Images, Volumes and Networks views). */
  onResourceEvent(l: Listener<ResourceEvent>): () => void {
    this.resourceListeners.add(l);
    return () => this.resourceListeners.delete(l);
  }

  /** loaded/error changed. */
  onDidChangeStatus(l: Listener<void>): () => void {
    this.statusListeners.add(l);
    return () => this.statusListeners.delete(l);
  }

  /** Resolves when the connection attempt under way has listed or failed (at once when idle). */
  whenSettled(): Promise<void> {
    return this.settled;
  }

  /** Switches runtime (or to none): the old stream is closed and the contents replaced. */
  setRuntime(rt: ContainerRuntime | undefined): void {
    if (rt === this.rt) return;
    this.disconnect();
    this.rt = rt;
    const removed = [...this.map.values()];
    this.map.clear();
    this.pending.clear();
    this._loaded = false;
    this._error = undefined;
    this.outageSince = undefined;
    this.backoff.reset();
    this.emit({ reset: true, added: [], updated: [], removed });
    this.emitStatus();
    if (this.active) this.connect();
  }

  /** Holds the store live; call the returned function to let go. The first holder connects. */
  acquire(): () => void {
    let held = true;
    if (++this.users === 1) this.connect();
    return () => {
      if (!held) return;
      held = false;
      if (--this.users === 0) this.disconnect();
    };
  }

  /** A full list now (when held); resets the reconcile timer. */
  refresh(): Promise<void> {
    if (!this.active || !this.rt) return Promise.resolve();
    return this.enqueue(this.epoch, () => this.fullList(this.epoch));
  }

  /** Re-reads these containers soon (after a command acted on them, say). */
  touch(ids: string[]): void {
    if (!this.active || !this.rt) return;
    for (const id of ids) this.pending.add(id);
    this.scheduleFlush(this.epoch);
  }

  /** Tries again now instead of waiting out the back-off. */
  retryNow(): void {
    if (!this.active || !this.rt || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.connect();
  }

  dispose(): void {
    this.users = 0;
    this.disconnect();
    this.changeListeners.clear();
    this.statusListeners.clear();
    this.resourceListeners.clear();
  }

  // ---- connection ----

  private connect(): void {
    const rt = this.rt;
    if (!rt) return;
    this.disconnect();
    const epoch = this.epoch;
    this.settled = new Promise((r) => {
      this.settle = r;
    });
    if (rt.capabilities.eventsPushed) {
      // Subscribe before listing, so nothing that happens in between is missed.
      const sub = rt.subscribeEvents(
        (e) => this.onEvent(epoch, e),
        (err) => this.fail(epoch, err, 'event stream'),
        (r) => {
          if (epoch === this.epoch) for (const l of this.resourceListeners) l(r);
        },
      );
      this.events = sub;
      void sub.ended.then(() => {
        if (epoch !== this.epoch || this.events !== sub) return;
        // An engine that went away ends the stream before a request says so: ask it, so the
        // failure is the engine's own ("not running") and the retry a cheap ping, not a back-off.
        rt.ping().then(
          () => this.fail(epoch, new Error('the engine closed the event stream'), 'event stream'),
          (err) => this.fail(epoch, err, 'event stream'),
        );
      });
    }
    void this.enqueue(epoch, () => this.fullList(epoch));
  }

  private disconnect(): void {
    this.epoch++;
    const ev = this.events;
    this.events = undefined;
    ev?.close();
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    this.timer = this.retryTimer = undefined;
    this.pending.clear();
    this.expected.clear();
    for (const t of this.recheckTimers) clearTimeout(t);
    this.recheckTimers.clear();
    this.flushQueued = false;
    this.settle?.();
    this.settle = undefined;
  }

  private fail(epoch: number, err: unknown, what: string): void {
    if (epoch !== this.epoch) return;
    const error = err instanceof Error ? err : new Error(String(err));
    // Down: a ping at most every probeMs (a refused connection costs nothing). Answering but
    // failing: the full back-off, so a broken engine is not asked again and again.
    const down = notAnswering(error);
    // After two minutes down, a little less often (still well within 5 s of the engine's return).
    const cap =
      this.outageSince !== undefined && Date.now() - this.outageSince > 120_000 ? 3 * this.probeMs : this.probeMs;
    const delay = down ? Math.min(this.backoff.next(), cap) : this.backoff.next();
    if (this.outageSince === undefined) {
      this.outageSince = Date.now();
      this.outages++;
      this.o.log?.(`Containers: ${what} failed (${error.message}); retrying until the engine answers`, 'warn');
    }
    this.disconnect();
    const changed = this._error?.message !== error.message;
    this._error = error;
    if (changed) this.emitStatus();
    if (this.active) {
      const next = this.epoch;
      this.retryTimer = setTimeout(() => {
        if (next !== this.epoch) return;
        this.retryTimer = undefined;
        if (down) this.probe(next);
        else this.connect();
      }, delay);
      this.retryTimer.unref?.();
    }
  }

  /** Pings the engine that did not answer: connects when it does, waits again when not. */
  private probe(epoch: number): void {
    const rt = this.rt;
    if (!rt) return;
    rt.ping().then(
      () => {
        if (epoch === this.epoch) this.connect();
      },
      (err) => this.fail(epoch, err, 'ping'),
    );
  }

  private enqueue(epoch: number, job: () => Promise<void>): Promise<void> {
    this.queue = this.queue
      .then(() => (epoch === this.epoch ? job() : undefined))
      .catch((err) => this.fail(epoch, err, 'list'));
    return this.queue;
  }

  // ---- lists ----

  private async fullList(epoch: number): Promise<void> {
    const rt = this.rt!;
    clearTimeout(this.timer);
    this.requests++;
    const list = await rt.listContainers({ all: true });
    if (epoch !== this.epoch) return;
    const seen = new Set<string>();
    const change: StoreChange = { reset: false, added: [], updated: [], removed: [] };
    for (const c of list) {
      seen.add(c.id);
      this.upsert(c, change);
    }
    for (const [id, c] of this.map) {
      if (!seen.has(id)) {
        this.map.delete(id);
        change.removed.push(c);
      }
    }
    this.succeeded();
    this.emit(change);
    const every = rt.capabilities.eventsPushed ? this.reconcileMs : this.pollMs;
    this.timer = setTimeout(() => {
      void this.enqueue(epoch, () => this.fullList(epoch));
    }, every);
    this.timer.unref?.();
  }

  private onEvent(epoch: number, e: RuntimeEvent): void {
    if (epoch !== this.epoch) return;
    const check = expectationOf(e.action);
    if (check) this.expected.set(e.id, { check, tries: 0 });
    this.pending.add(e.id);
    this.scheduleFlush(epoch);
  }

  /** Reads again, a little later, the containers whose list answer contradicts their last event. */
  private recheck(epoch: number, ids: string[]): void {
    for (const id of ids) {
      const exp = this.expected.get(id);
      if (!exp) continue;
      if (exp.check(this.map.get(id)) || exp.tries >= RECHECK_TRIES) {
        this.expected.delete(id);
        continue;
      }
      const t = setTimeout(
        () => {
          this.recheckTimers.delete(t);
          if (epoch !== this.epoch) return;
          this.pending.add(id);
          this.scheduleFlush(epoch);
        },
        RECHECK_FIRST_MS * 2 ** exp.tries,
      );
      t.unref?.();
      this.recheckTimers.add(t);
      exp.tries++;
    }
  }

  private scheduleFlush(epoch: number): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    // Events come in bursts (kill, kill, die, stop; create, start) a few ms apart: one list answers them all.
    setTimeout(() => {
      if (epoch !== this.epoch) return;
      void this.enqueue(epoch, () => this.flush(epoch));
    }, COALESCE_MS).unref?.();
  }

  private async flush(epoch: number): Promise<void> {
    this.flushQueued = false;
    if (!this.pending.size) return;
    const ids = [...this.pending];
    this.pending.clear();
    this.requests++;
    const list = await this.rt!.listContainers({ all: true, ids });
    if (epoch !== this.epoch) return;
    const change: StoreChange = { reset: false, added: [], updated: [], removed: [] };
    const found = new Set<string>();
    for (const c of list) {
      found.add(c.id);
      this.upsert(c, change);
    }
    for (const id of ids) {
      const gone = this.map.get(id);
      if (gone && !found.has(id)) {
        this.map.delete(id);
        change.removed.push(gone);
      }
    }
    this.emit(change);
    this.recheck(epoch, ids);
  }

  private upsert(c: ContainerSummary, change: StoreChange): void {
    const before = this.map.get(c.id);
    this.map.set(c.id, c);
    if (!before) change.added.push(c);
    else if (!sameShown(before, c)) change.updated.push({ before, after: c });
  }

  private succeeded(): void {
    this.backoff.reset();
    if (this.outageSince !== undefined) {
      const s = ((Date.now() - this.outageSince) / 1000).toFixed(1);
      this.o.log?.(`Containers: reconnected to ${this.rt?.label ?? 'the engine'} after ${s} s`, 'info');
      this.outageSince = undefined;
    }
    const was = this._loaded && !this._error;
    this._loaded = true;
    this._error = undefined;
    this.settle?.();
    this.settle = undefined;
    if (!was) this.emitStatus();
  }

  private emit(change: StoreChange): void {
    if (!change.reset && !change.added.length && !change.updated.length && !change.removed.length) return;
    for (const l of this.changeListeners) l(change);
  }

  private emitStatus(): void {
    for (const l of this.statusListeners) l();
  }
}

/**
 * Whether two summaries of one container look the same in a view. The engine's status text
 * ("Up 5 minutes") changes by itself and is left out; what it says that matters is in state,
 * health and exitCode.
 */
export function sameShown(a: ContainerSummary, b: ContainerSummary): boolean {
  return (
    a.name === b.name &&
    a.image === b.image &&
    a.state === b.state &&
    a.health === b.health &&
    a.exitCode === b.exitCode &&
    sameJson(a.ports, b.ports) &&
    sameJson(a.labels, b.labels) &&
    sameJson(a.mounts, b.mounts) &&
    sameJson(a.networkNames, b.networkNames)
  );
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
