import * as vscode from 'vscode';
import { ContainerStore, type StoreChange } from '../../core/live/containerStore';
import { RuntimeError } from '../../core/runtime/errors';
import type { ContainerSummary } from '../../core/runtime/types';
import type { RuntimeSession } from '../runtimeSession';
import { holdWhileVisible } from './holdWhileVisible';

/**
 * The live container list shared by the views, tied to the session: it follows runtime switches,
 * is held only while a view that shows it is visible, reports an unreachable engine to the session
 * and tells it when the engine answers again.
 */
export class LiveContainers implements vscode.Disposable {
  readonly store: ContainerStore;
  private readonly changed = new vscode.EventEmitter<StoreChange>();
  /** Store changes, delivered to the views. */
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly session: RuntimeSession,
    log: vscode.LogOutputChannel,
  ) {
    this.store = new ContainerStore({ log: (m, level) => (level === 'info' ? log.info(m) : log.warn(m)) });
    this.offs.push(
      this.store.onDidChange((c) => this.changed.fire(c)),
      this.store.onDidChangeStatus(() => this.onStoreStatus()),
    );
    this.subs.push(session.onDidChange(() => this.follow()));
    this.follow();
  }

  private follow(): void {
    const s = this.session;
    this.store.setRuntime(s.runtime);
    // The engine came back by another way (Retry, window focus): do not wait out the back-off.
    if (s.state === 'ready' && this.store.error) this.store.retryNow();
  }

  private onStoreStatus(): void {
    const { error, loaded } = this.store;
    if (error && this.session.state === 'ready') this.session.reportFailure(error);
    else if (!error && loaded && this.session.state === 'unreachable') void this.session.connect();
  }

  /** Holds the store while the view is visible (and lets go when it is hidden or disposed). */
  holdWhileVisible(view: vscode.TreeView<unknown>): vscode.Disposable {
    return holdWhileVisible(view, () => this.store.acquire());
  }

  /** What the views show: waits for the first list when one is under way. Empty when not reachable. */
  async current(): Promise<ContainerSummary[]> {
    if (this.session.state !== 'ready') return [];
    if (this.store.active && !this.store.loaded) await this.store.whenSettled();
    return this.store.containers;
  }

  /**
   * For commands run from the palette: the store's list when it is live, else one list call.
   * Throws the runtime's error (the caller shows it).
   */
  async snapshot(): Promise<ContainerSummary[]> {
    if (this.store.active && this.store.loaded) return this.store.containers;
    const rt = this.session.runtime;
    if (!rt) {
      throw (
        this.session.error ??
        new RuntimeError('unavailable', vscode.l10n.t('No container runtime is selected.'), this.session.hint())
      );
    }
    return rt.listContainers({ all: true });
  }

  dispose(): void {
    for (const off of this.offs) off();
    for (const d of this.subs) d.dispose();
    this.store.dispose();
    this.changed.dispose();
  }
}
