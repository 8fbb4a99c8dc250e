import * as vscode from 'vscode';
import type { ResourceStore } from '../../../core/live/resourceStore';
import type { ContainerSummary } from '../../../core/runtime/types';
import type { LiveContainers } from '../../live/liveContainers';
import type { RuntimeSession } from '../../runtimeSession';

/**
 * What the Images, Volumes and Networks views share: they read their store (held while visible)
 * and the live containers (what uses each item), and repaint when either changes. Empty while no
 * runtime answers, so the welcome text explains.
 */
export abstract class ResourceTree<N> implements vscode.TreeDataProvider<N>, vscode.Disposable {
  protected readonly changed = new vscode.EventEmitter<N | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly offs: (() => void)[] = [];
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    protected readonly session: RuntimeSession,
    protected readonly live: LiveContainers,
    readonly store: ResourceStore<unknown>,
  ) {
    const repaint = () => this.changed.fire(undefined);
    this.offs.push(
      store.onDidChange(repaint),
      // What uses each item: only a container that comes or goes (or is re-read wholesale) matters.
      live.store.onDidChange((c) => {
        if (store.active && (c.reset || c.added.length || c.removed.length)) repaint();
      }),
    );
    this.subs.push(session.onDidChange(repaint));
  }

  protected get ready(): boolean {
    return this.session.state === 'ready';
  }

  /** The containers, as the live store has them (held with this view). */
  protected get containers(): ContainerSummary[] {
    return this.live.store.containers;
  }

  /** Lists again now (Refresh). */
  async refresh(): Promise<void> {
    await Promise.all([this.store.refresh(), this.live.store.refresh()]);
  }

  abstract getTreeItem(node: N): vscode.TreeItem;
  abstract getChildren(node?: N): N[] | Promise<N[]>;

  dispose(): void {
    for (const off of this.offs) off();
    for (const d of this.subs) d.dispose();
    this.changed.dispose();
  }
}

/** "web, db and 3 more", for a row's tooltip. */
export function containerNames(list: readonly ContainerSummary[]): string {
  const names = list.slice(0, 5).map((c) => c.name);
  return list.length > 5 ? vscode.l10n.t('{0} and {1} more', names.join(', '), list.length - 5) : names.join(', ');
}
