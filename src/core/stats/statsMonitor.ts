import type { ContainerRuntime, StatsSample, Subscription } from '../runtime/types';
import { StatsHistory } from './history';
import { toPoint, type StatsPoint } from './point';

export interface StatsMonitorOptions {
  /** How much history is kept per container (default 5 minutes). */
  windowMs?: number;
  /** At most one batch per this many ms (default 1 s). */
  batchMs?: number;
  /** New points since the last batch, per container id (oldest first). */
  onBatch: (batch: Map<string, StatsPoint[]>) => void;
  /** A stream that failed (not for containers that went away: those end quietly). */
  onError?: (id: string, err: Error) => void;
  /** A stream the engine ended (not one closed by watch()); a later watch() opens it again. */
  onEnded?: (id: string) => void;
}

interface Stream {
  sub: Subscription;
  prev?: StatsSample;
}

/**
 * Streams stats for exactly the containers it is told to watch, one stream each, and keeps their
 * recent history, so a panel shown again can redraw at once. New points are handed on in batches,
 * at most one per batchMs; a batch timer runs only while there are points to hand on.
 * Plain Node: used by the stats panel and by the benchmark.
 */
export class StatsMonitor {
  private rt: ContainerRuntime | undefined;
  private readonly streams = new Map<string, Stream>();
  private readonly histories = new Map<string, StatsHistory>();
  private pending = new Map<string, StatsPoint[]>();
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private readonly windowMs: number;
  private readonly batchMs: number;

  constructor(private readonly o: StatsMonitorOptions) {
    this.windowMs = o.windowMs ?? 5 * 60_000;
    this.batchMs = o.batchMs ?? 1_000;
  }

  /** Another runtime (or none): every stream is closed and the history, of other containers, dropped. */
  setRuntime(rt: ContainerRuntime | undefined): void {
    if (rt === this.rt) return;
    this.watch([]);
    this.histories.clear();
    this.pending.clear();
    this.cancelFlush();
    this.rt = rt;
  }

  /** Streams exactly these containers: opens the new ones, closes the rest at once. */
  watch(ids: Iterable<string>): void {
    const want = new Set(this.rt ? ids : []);
    for (const [id, s] of this.streams) {
      if (!want.has(id)) {
        this.streams.delete(id);
        s.sub.close();
      }
    }
    for (const id of want) if (!this.streams.has(id)) this.open(id);
    // Points already taken still go out with the next (last) batch; after it no timer is left.
  }

  /** The containers streamed now. */
  get watching(): string[] {
    return [...this.streams.keys()];
  }

  /** A container's kept points, oldest first. */
  history(id: string): readonly StatsPoint[] {
    return this.histories.get(id)?.all() ?? [];
  }

  /** Drops the history of containers not in `keep` (removed ones). */
  retain(keep: Set<string>): void {
    for (const id of this.histories.keys()) if (!keep.has(id)) this.histories.delete(id);
  }

  dispose(): void {
    this.watch([]);
    this.histories.clear();
    this.pending.clear();
    this.cancelFlush();
  }

  private open(id: string): void {
    const rt = this.rt!;
    const stream: Stream = {
      sub: rt.subscribeStats(
        id,
        (s) => {
          if (this.streams.get(id) !== stream) return;
          const point = toPoint(s, stream.prev);
          stream.prev = s;
          this.record(id, point);
        },
        (err) => {
          if (this.streams.get(id) !== stream) return;
          // A container that stopped or went away between the list and the stream is no error.
          const code = (err as { code?: string }).code;
          if (code !== 'notFound' && code !== 'conflict') this.o.onError?.(id, err);
        },
      ),
    };
    this.streams.set(id, stream);
    // Ended by the engine (the container went away): a later watch() may open it again.
    void stream.sub.ended.then(() => {
      if (this.streams.get(id) !== stream) return;
      this.streams.delete(id);
      this.o.onEnded?.(id);
    });
  }

  private record(id: string, point: StatsPoint): void {
    let h = this.histories.get(id);
    if (!h) this.histories.set(id, (h = new StatsHistory(this.windowMs)));
    if (!h.add(point)) return;
    const list = this.pending.get(id);
    if (list) list.push(point);
    else this.pending.set(id, [point]);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    const wait = Math.max(0, this.lastFlush + this.batchMs - Date.now());
    this.flushTimer = setTimeout(() => this.flush(), wait);
    this.flushTimer.unref?.();
  }

  private cancelFlush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private flush(): void {
    this.flushTimer = undefined;
    this.lastFlush = Date.now();
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size) this.o.onBatch(batch);
  }
}
