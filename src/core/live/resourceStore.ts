import type { ContainerRuntime, ResourceEvent } from '../runtime/types';
import type { ContainerStore } from './containerStore';

/** How long events are gathered before the list is read again. */
const COALESCE_MS = 100;

type Listener = () => void;

/**
 * One list of the engine's images, volumes or networks, kept only while held (a visible view). It
 * rides on the container store: holding it holds that store too, whose one event stream carries
 * this kind's events (a burst of them is one re-list) and whose containers say what uses each
 * item. A runtime that cannot push (Apple) re-lists when its containers change. Released: no
 * request, no timer.
 */
export class ResourceStore<T> {
  private rt: ContainerRuntime | undefined;
  private list: T[] = [];
  private users = 0;
  private releaseContainers: (() => void) | undefined;
  private offs: (() => void)[] = [];
  private epoch = 0;
  private timer: NodeJS.Timeout | undefined;
  private _loaded = false;
  private _error: Error | undefined;
  private loading: Promise<void> | undefined;
  private again = false;
  private readonly listeners = new Set<Listener>();
  /** Lists made, for diagnostics and tests. */
  requests = 0;

  constructor(
    private readonly containers: ContainerStore,
    private readonly kind: ResourceEvent['type'],
    private readonly load: (rt: ContainerRuntime) => Promise<T[]>,
  ) {}

  get items(): T[] {
    return this.list;
  }
  get loaded(): boolean {
    return this._loaded;
  }
  get error(): Error | undefined {
    return this._error;
  }
  get active(): boolean {
    return this.users > 0;
  }

  onDidChange(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Follows the session's runtime: the old contents go, the new runtime is listed when held. */
  setRuntime(rt: ContainerRuntime | undefined): void {
    if (rt === this.rt) return;
    this.rt = rt;
    this.epoch++;
    this.list = [];
    this._loaded = false;
    this._error = undefined;
    this.emit();
    if (this.active) this.schedule(0);
  }

  acquire(): () => void {
    let held = true;
    if (++this.users === 1) this.start();
    return () => {
      if (!held) return;
      held = false;
      if (--this.users === 0) this.stop();
    };
  }

  /** Lists again now (the Refresh button, after a command changed something). */
  async refresh(): Promise<void> {
    if (!this.active) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.read();
  }

  dispose(): void {
    this.users = 0;
    this.stop();
    this.listeners.clear();
  }

  private start(): void {
    this.releaseContainers = this.containers.acquire();
    this.offs = [
      this.containers.onResourceEvent((e) => {
        if (e.type === this.kind) this.schedule(COALESCE_MS);
      }),
      // The engine answers again after an outage: what it holds may have changed meanwhile.
      this.containers.onDidChangeStatus(() => {
        if (this.containers.loaded && !this.containers.error && this._error) this.schedule(0);
      }),
      // Without events (Apple), a container that comes or goes may be a pull, a new volume or network.
      this.containers.onDidChange((c) => {
        if (!this.rt?.capabilities.eventsPushed && (c.added.length || c.removed.length)) this.schedule(COALESCE_MS);
      }),
    ];
    this.schedule(0);
  }

  private stop(): void {
    this.epoch++;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const off of this.offs) off();
    this.offs = [];
    this.releaseContainers?.();
    this.releaseContainers = undefined;
  }

  private schedule(ms: number): void {
    if (this.timer || !this.active) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.read();
    }, ms);
  }

  /** One list at a time; one asked for meanwhile runs once after it. */
  private read(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = this.readLoop().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async readLoop(): Promise<void> {
    do {
      this.again = false;
      const rt = this.rt;
      if (!rt || !this.active) return;
      const epoch = this.epoch;
      try {
        this.requests++;
        const list = await this.load(rt);
        if (epoch !== this.epoch) continue;
        this.list = list;
        this._loaded = true;
        this._error = undefined;
      } catch (err) {
        if (epoch !== this.epoch) continue;
        this._error = err instanceof Error ? err : new Error(String(err));
      }
      this.emit();
    } while (this.again);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
