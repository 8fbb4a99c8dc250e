import * as vscode from 'vscode';
import type { StoreChange } from '../../../core/live/containerStore';
import type { ContainerSummary } from '../../../core/runtime/types';
import type { RuntimeSession } from '../../runtimeSession';
import type { TunnelManager } from '../../tunnels/tunnelManager';
import { workspaceFolders } from '../../workspaceFolders';
import type { LiveContainers } from '../../live/liveContainers';
import { workspaceUri } from '../workspaceDecorations';
import { containerItem } from './containerItem';
import { containerTooltip } from './containerTooltip';
import { arrange, groupKeyOf, matchesFilter, type Arrangement, type GroupShape } from '../../../core/live/grouping';

/** A Compose project's containers. */
export class GroupNode {
  readonly kind = 'group';
  constructor(
    readonly key: string,
    public shape: GroupShape,
  ) {}
}

/** One container; the same object stays in the tree for the container's life, updated in place. */
export class ContainerNode {
  readonly kind = 'container';
  constructor(
    public container: ContainerSummary,
    public parent: GroupNode | undefined,
    public workspace: string | undefined,
  ) {}
}

export type ContainersNode = GroupNode | ContainerNode;

/**
 * The Containers view. Reads the live store (held by the view while it is visible) and repaints
 * only what changed: a container's row (and its group's count) when its state changes; the parent
 * when a container comes or goes. Empty while no runtime answers, so the welcome view explains.
 */
export class ContainersTree implements vscode.TreeDataProvider<ContainersNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ContainersNode | ContainersNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly countChanged = new vscode.EventEmitter<void>();
  /** The number of containers or running ones changed (for the badge). */
  readonly onDidChangeCounts = this.countChanged.event;
  private readonly subs: vscode.Disposable[] = [];
  private readonly containerNodes = new Map<string, ContainerNode>();
  private readonly groupNodes = new Map<string, GroupNode>();
  private layout: Arrangement | undefined;
  private _filter = '';
  /** The root has been handed to VS Code since the last reset. */
  private shown = false;
  /**
   * A whole-tree repaint was asked for and VS Code has not fetched the root yet: row repaints
   * asked for meanwhile would be dropped (VS Code forgets its rows until then), and are not needed,
   * since the fetch reads the current list.
   */
  private rootPending = false;
  private wasReady = false;

  constructor(
    private readonly session: RuntimeSession,
    private readonly live: LiveContainers,
    private readonly tunnels: TunnelManager,
  ) {
    this.subs.push(
      tunnels.onDidChange((id) => {
        const n = this.containerNodes.get(id);
        if (n && !this.rootPending) this.changed.fire([n]);
      }),
      live.onDidChange((c) => this.onStoreChange(c)),
      session.onDidChange(() => {
        const ready = session.state === 'ready';
        if (ready !== this.wasReady) {
          this.wasReady = ready;
          this.reset();
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reset()),
    );
  }

  get filter(): string {
    return this._filter;
  }

  setFilter(text: string): void {
    const f = text.trim();
    if (f === this._filter) return;
    this._filter = f;
    void vscode.commands.executeCommand('setContext', 'containerWorkspaces.containersFiltered', !!f);
    this.reset();
  }

  /** What the view shows now, in order (for the badge, commands and tests). */
  get containers(): ContainerSummary[] {
    const l = this.arrangement();
    return l.top.flatMap((t) => ('group' in t ? t.group.containers : [t.container]));
  }

  get runningCount(): number {
    return this.session.state === 'ready' ? this.live.store.containers.filter((c) => c.state === 'running').length : 0;
  }

  /** Re-lists now (the Refresh button). */
  async refresh(): Promise<void> {
    await this.live.store.refresh();
  }

  private arrangement(): Arrangement {
    if (!this.layout) {
      const list = this.session.state === 'ready' ? this.live.store.containers : [];
      this.layout = arrange(list, workspaceFolders(), this._filter);
    }
    return this.layout;
  }

  private reset(): void {
    this.layout = undefined;
    this.containerNodes.clear();
    this.groupNodes.clear();
    this.repaintAll();
    this.countChanged.fire();
  }

  private repaintAll(): void {
    this.rootPending = true;
    this.changed.fire(undefined);
  }

  private nodeFor(c: ContainerSummary, parent: GroupNode | undefined, workspace: string | undefined): ContainerNode {
    let n = this.containerNodes.get(c.id);
    if (!n) this.containerNodes.set(c.id, (n = new ContainerNode(c, parent, workspace)));
    n.container = c;
    n.parent = parent;
    n.workspace = workspace;
    return n;
  }

  private groupFor(g: GroupShape): GroupNode {
    let n = this.groupNodes.get(g.key);
    if (!n) this.groupNodes.set(g.key, (n = new GroupNode(g.key, g)));
    n.shape = g;
    return n;
  }

  /**
   * Where a container that came, went or moved is listed, for a repaint: its group, or the top
   * level ('root') when it has none or its group appears, disappears or changes rank; undefined
   * when the filter hides it.
   */
  private parentToRepaint(
    c: ContainerSummary,
    before: Map<string, GroupShape>,
    after: Arrangement,
  ): GroupNode | 'root' | undefined {
    if (!matchesFilter(c, this._filter)) return undefined;
    const key = groupKeyOf(c);
    if (!key) return 'root';
    const g = this.groupNodes.get(key);
    const was = before.get(key);
    const now = after.groups.get(key);
    if (!g || !was || !now || !!was.workspace !== !!now.workspace) return 'root';
    return g;
  }

  /** Works out the rows to repaint: a row when only it changed, its parent when rows come or go. */
  private onStoreChange(change: StoreChange): void {
    if (change.reset) return this.reset();
    this.layout = undefined;
    const before = this.shown ? new Map([...this.groupNodes].map(([k, g]) => [k, g.shape])) : undefined;
    const after = this.arrangement();
    this.countChanged.fire();
    if (!before || this.rootPending) return; // nothing on screen yet, or a fetch of everything is due
    const repaint = new Set<ContainersNode>();
    let root = false;
    const parentOf = (c: ContainerSummary) => this.parentToRepaint(c, before, after);
    const mark = (p: GroupNode | 'root' | undefined) => {
      if (p === 'root') root = true;
      else if (p) repaint.add(p);
    };
    for (const c of change.added) mark(parentOf(c));
    for (const c of change.removed) {
      mark(parentOf(c));
      this.containerNodes.delete(c.id);
    }
    for (const { before: b, after: a } of change.updated) {
      const node = this.containerNodes.get(a.id);
      const pb = parentOf(b);
      const pa = parentOf(a);
      if (node && pb === pa && b.name === a.name && pa !== undefined) {
        // Same place: repaint the row, and its group's "n/m running".
        const g = pa === 'root' ? undefined : pa;
        const shape = g ? after.groups.get(g.key) : undefined;
        this.nodeFor(a, g, after.workspaces.get(a.id));
        repaint.add(node);
        if (g && shape) {
          g.shape = shape;
          repaint.add(g);
        }
      } else {
        mark(pb);
        mark(pa);
      }
    }
    for (const g of repaint) {
      if (g instanceof GroupNode) {
        const shape = after.groups.get(g.key);
        if (shape) g.shape = shape;
        else root = true;
      }
    }
    if (root) this.repaintAll();
    else if (repaint.size) this.changed.fire([...repaint]);
  }

  /** Always from the current list: a repaint VS Code dropped must not leave a stale row. */
  getTreeItem(n: ContainersNode): vscode.TreeItem {
    if (n instanceof GroupNode) {
      const shape = this.arrangement().groups.get(n.key);
      if (shape) n.shape = shape;
      return this.groupItem(n);
    }
    const current = this.session.state === 'ready' ? this.live.store.get(n.container.id) : undefined;
    if (current) n.container = current;
    return containerItem(n.container, {
      id: `container:${n.container.id}`,
      caps: this.session.runtime?.capabilities,
      workspace: n.workspace,
      tunnel: this.tunnels.get(n.container.id),
    });
  }

  private groupItem(n: GroupNode): vscode.TreeItem {
    const g = n.shape;
    const item = new vscode.TreeItem(g.key, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `group:${g.key}`;
    const running = g.containers.filter((c) => c.state === 'running').length;
    const total = g.containers.length;
    item.description = vscode.l10n.t('{0}/{1} running', running, total);
    item.iconPath = new vscode.ThemeIcon(
      g.workspace ? 'root-folder' : 'layers',
      running === g.containers.length
        ? new vscode.ThemeColor('charts.green')
        : running
          ? new vscode.ThemeColor('charts.yellow')
          : undefined,
    );
    item.contextValue = 'composeGroup';
    if (g.workspace) item.resourceUri = workspaceUri(`group/${g.key}`);
    const summary = vscode.l10n.t('**{0}** — Compose project, {1} of {2} running', g.key, running, total);
    item.tooltip = new vscode.MarkdownString(
      g.workspace ? `${summary}\n\n${vscode.l10n.t('In this workspace ({0})', g.workspace)}` : summary,
    );
    item.accessibilityInformation = {
      label: g.workspace
        ? vscode.l10n.t('Compose project {0}, {1} of {2} running, in this workspace', g.key, running, total)
        : vscode.l10n.t('Compose project {0}, {1} of {2} running', g.key, running, total),
    };
    return item;
  }

  async getChildren(parent?: ContainersNode): Promise<ContainersNode[]> {
    if (parent instanceof ContainerNode) return [];
    if (parent instanceof GroupNode) {
      const shape = this.arrangement().groups.get(parent.key);
      if (!shape) return [];
      const g = this.groupFor(shape);
      const ws = this.arrangement().workspaces;
      return shape.containers.map((c) => this.nodeFor(c, g, ws.get(c.id)));
    }
    await this.live.current();
    this.rootPending = false;
    if (this.session.state !== 'ready') {
      this.shown = false;
      void vscode.commands.executeCommand('setContext', 'containerWorkspaces.containerCount', 0);
      return [];
    }
    this.layout = undefined;
    const l = this.arrangement();
    this.shown = true;
    void vscode.commands.executeCommand('setContext', 'containerWorkspaces.containerCount', this.live.store.size);
    return l.top.map((t) =>
      'group' in t ? this.groupFor(t.group) : this.nodeFor(t.container, undefined, t.workspace),
    );
  }

  getParent(n: ContainersNode): ContainersNode | undefined {
    return n instanceof ContainerNode ? n.parent : undefined;
  }

  resolveTreeItem(item: vscode.TreeItem, n: ContainersNode): vscode.TreeItem {
    if (n instanceof ContainerNode)
      item.tooltip = containerTooltip(n.container, n.workspace, this.tunnels.get(n.container.id));
    return item;
  }

  dispose(): void {
    for (const d of this.subs) d.dispose();
    this.changed.dispose();
    this.countChanged.dispose();
  }
}
