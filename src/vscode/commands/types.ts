import type * as vscode from 'vscode';
import type { RuntimeSession } from '../runtimeSession';
import type { StatsPanels } from '../stats/statsPanel';
import type { TunnelManager } from '../tunnels/tunnelManager';
import type { ContainersTree } from '../views/containers/containersTree';
import type { LiveContainers } from '../live/liveContainers';
import type { ServicesTree } from '../views/services/servicesTree';
import type { WorkspaceContextService } from '../detection/workspaceContextService';
import type { ImagesTree } from '../views/engine/imagesTree';
import type { NetworksTree } from '../views/engine/networksTree';
import type { VolumesTree } from '../views/engine/volumesTree';

/** What commands may use. They hold no container logic: they call the runtime layer. */
export interface CommandDeps {
  session: RuntimeSession;
  live: LiveContainers;
  containers: ContainersTree;
  services: ServicesTree;
  workspaceContext: WorkspaceContextService;
  log: vscode.LogOutputChannel;
  /** Where Compose's own output goes. */
  composeOutput: vscode.OutputChannel;
  tunnels: TunnelManager;
  /** The workspace's memento (run-command history, tunnel state). */
  state: vscode.Memento;
  /** The Container Stats panel. */
  stats: StatsPanels;
  /** The Containers view (filter text, messages). */
  containersView: vscode.TreeView<unknown>;
  /** The Images, Volumes and Networks views' trees. */
  images: ImagesTree;
  volumes: VolumesTree;
  networks: NetworksTree;
}

export interface Command {
  id: string;
  run(deps: CommandDeps, ...args: unknown[]): unknown;
}
