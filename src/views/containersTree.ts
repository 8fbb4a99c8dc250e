import * as vscode from 'vscode';
import type { ContainerSummary } from '../runtime/types';
import type { RuntimeSession } from '../runtimeSession';
import { containerItem } from './containerItem';

const ORDER: Record<string, number> = { running: 0, restarting: 1, paused: 2, created: 3, exited: 4, dead: 5 };

/**
 * The Containers view: the active runtime's containers. It asks the runtime only when VS Code asks
 * it for children (i.e. while the view is visible); with no runtime reachable it stays empty so the
 * welcome view explains what to do.
 */
export class ContainersTree implements vscode.TreeDataProvider<ContainerSummary>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ContainerSummary | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];
  /** What the view shows now, for the badge and for tests. */
  private last: ContainerSummary[] = [];

  constructor(private readonly session: RuntimeSession) {
    this.subs.push(session.onDidChange(() => this.refresh()));
  }

  get containers(): readonly ContainerSummary[] { return this.last; }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(c: ContainerSummary): vscode.TreeItem {
    return containerItem(c);
  }

  async getChildren(parent?: ContainerSummary): Promise<ContainerSummary[]> {
    if (parent) return [];
    const rt = this.session.runtime;
    if (this.session.state !== 'ready' || !rt) return (this.last = []);
    try {
      const list = await rt.listContainers({ all: true });
      list.sort((a, b) => (ORDER[a.state] ?? 9) - (ORDER[b.state] ?? 9) || a.name.localeCompare(b.name));
      this.last = list;
    } catch (err) {
      const e = this.session.reportFailure(err);
      if (this.session.state === 'ready') void vscode.window.showErrorMessage(`Could not list containers: ${e.message}`);
      this.last = [];
    }
    void vscode.commands.executeCommand('setContext', 'containerWorkspaces.containerCount', this.last.length);
    return this.last;
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
    this.changed.dispose();
  }
}
