/**
 * Apple's CLI has no event stream: container events are derived by diffing successive
 * `container ls --all --format json` results, and only while someone is subscribed.
 */
import type { ContainerState, RuntimeEvent } from '../types';
import { startedAtOf, toSummary } from './parse';

export interface ContainerSnap {
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  startedAt?: number;
}

export function snapshotsOf(rawList: unknown[]): Map<string, ContainerSnap> {
  const m = new Map<string, ContainerSnap>();
  for (const raw of rawList) {
    const s = toSummary(raw);
    if (s.id) m.set(s.id, { id: s.id, name: s.name, image: s.image, state: s.state, startedAt: startedAtOf(raw) });
  }
  return m;
}

const isUp = (s: ContainerState) => s === 'running' || s === 'restarting' || s === 'paused';

/**
 * The events that explain how `prev` became `cur`, in the order they happened:
 * new → create (+ start if it has run, + die if it has already stopped again);
 * not running → running: start; running → stopped: die; started again between two lists: die, start;
 * gone: die (if it was running), destroy.
 */
export function diffSnapshots(
  prev: Map<string, ContainerSnap>,
  cur: Map<string, ContainerSnap>,
  time = Date.now(),
): RuntimeEvent[] {
  const out: RuntimeEvent[] = [];
  const ev = (action: RuntimeEvent['action'], s: ContainerSnap): RuntimeEvent => ({
    type: 'container',
    action,
    id: s.id,
    name: s.name,
    image: s.image,
    time,
    attributes: { name: s.name, image: s.image },
  });
  for (const c of cur.values()) {
    const p = prev.get(c.id);
    if (!p) {
      out.push(ev('create', c));
      if (isUp(c.state) || c.state === 'exited') out.push(ev('start', c));
      if (c.state === 'exited') out.push(ev('die', c));
      continue;
    }
    const wasUp = isUp(p.state);
    const nowUp = isUp(c.state);
    if (!wasUp && nowUp) out.push(ev('start', c));
    else if (wasUp && !nowUp) out.push(ev('die', c));
    else if (wasUp && nowUp && c.startedAt !== undefined && p.startedAt !== undefined && c.startedAt !== p.startedAt) {
      out.push(ev('die', c), ev('start', c));
    } else if (!wasUp && !nowUp && c.startedAt !== undefined && c.startedAt !== p.startedAt) {
      // Started and stopped again between two lists.
      out.push(ev('start', c), ev('die', c));
    }
  }
  for (const p of prev.values()) {
    if (cur.has(p.id)) continue;
    if (isUp(p.state)) out.push(ev('die', p));
    out.push(ev('destroy', p));
  }
  return out;
}

export interface EventListener {
  onEvent: (e: RuntimeEvent) => void;
  onError?: (err: Error) => void;
}

/**
 * One poller per runtime, shared by its event subscribers: it lists every `intervalMs` while anyone
 * listens and not at all otherwise. The first list after it starts is the baseline (no events).
 */
export class ContainerPoller {
  private readonly listeners = new Set<EventListener>();
  private baseline: Map<string, ContainerSnap> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: AbortController | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Bumped on every stop, so a list that was in flight then is ignored. */
  private epoch = 0;
  private failing = false;

  constructor(
    private readonly list: (signal: AbortSignal) => Promise<unknown[]>,
    private readonly intervalMs: number,
  ) {}

  get active(): boolean {
    return this.listeners.size > 0;
  }

  /** Adds a listener; the first one starts polling. Returns its removal. */
  add(l: EventListener): () => void {
    this.listeners.add(l);
    if (this.listeners.size === 1) {
      void this.refresh();
    }
    return () => {
      if (!this.listeners.delete(l)) return;
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Lists now (after any list in flight), emits what changed; a no-op with no listener. */
  refresh(): Promise<void> {
    if (!this.active) return Promise.resolve();
    const epoch = this.epoch;
    this.chain = this.chain.then(() => this.pollOnce(epoch));
    return this.chain;
  }

  private schedule(epoch: number): void {
    if (!this.active || epoch !== this.epoch) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.refresh();
    }, this.intervalMs);
  }

  private async pollOnce(epoch: number): Promise<void> {
    if (!this.active || epoch !== this.epoch) return;
    const ac = new AbortController();
    this.inFlight = ac;
    try {
      const cur = snapshotsOf(await this.list(ac.signal));
      if (!this.active || epoch !== this.epoch) return;
      const prev = this.baseline;
      this.baseline = cur;
      this.failing = false;
      if (prev) {
        for (const e of diffSnapshots(prev, cur)) {
          for (const l of [...this.listeners]) {
            try {
              l.onEvent(e);
            } catch {
              // one listener's failure is not the others' concern, nor a polling error
            }
          }
        }
      }
    } catch (err) {
      // Report the first failure of a run of them; keep polling, the service may come back.
      if (this.active && epoch === this.epoch && !this.failing) {
        this.failing = true;
        for (const l of [...this.listeners]) l.onError?.(err as Error);
      }
    } finally {
      if (this.inFlight === ac) this.inFlight = undefined;
      this.schedule(epoch);
    }
  }

  /** Stops the timer and any list in flight; forgets the baseline. */
  stop(): void {
    this.epoch++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
    this.inFlight = undefined;
    this.baseline = undefined;
    this.failing = false;
  }

  close(): void {
    this.listeners.clear();
    this.stop();
  }
}
