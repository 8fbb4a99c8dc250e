import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { INSPECT_SCHEME, InspectDocuments } from './documents/inspectDocuments';
import { RuntimeSession } from './runtimeSession';
import { affectsRuntimeSelection, selectionFromSettings } from './settings';
import { STATS_VIEW_TYPE, StatsPanels } from './stats/statsPanel';
import { RuntimeStatusItem } from './statusBar/runtimeStatusItem';
import { quietTarget } from './commands/workspace/execTarget';
import { ContainerTaskProvider, TASK_TYPE } from './tasks/containerTasks';
import { TunnelManager } from './tunnels/tunnelManager';
import { ContainersTree, type ContainersNode } from './views/containers/containersTree';
import { LiveContainers } from './live/liveContainers';
import { ServicesTree, type ServicesNode } from './views/services/servicesTree';
import { WorkspaceDecorations } from './views/workspaceDecorations';
import { WorkspaceContextService } from './detection/workspaceContextService';

/** What the extension exports: used by its own tests and open to other extensions. */
export interface ContainerWorkspacesApi {
  readonly session: RuntimeSession;
  readonly live: LiveContainers;
  readonly containers: ContainersTree;
  readonly services: ServicesTree;
  readonly containersView: vscode.TreeView<ContainersNode>;
  readonly servicesView: vscode.TreeView<ServicesNode>;
  readonly workspaceContext: WorkspaceContextService;
  readonly tasks: ContainerTaskProvider;
  readonly tunnels: TunnelManager;
  readonly stats: StatsPanels;
}

/**
 * Synchronous: creates the views, status bar and commands, then lets the first engine check run in
 * the background. Nothing here waits on a daemon, a CLI or a file scan; the views reach the engine
 * only while they are visible.
 */
export function activate(context: vscode.ExtensionContext): ContainerWorkspacesApi {
  const log = vscode.window.createOutputChannel('Container Workspaces', { log: true });
  const composeOutput = vscode.window.createOutputChannel('Container Workspaces: Compose');
  const session = new RuntimeSession(log, selectionFromSettings);
  const live = new LiveContainers(session, log);
  const workspaceContext = new WorkspaceContextService(log);
  const tunnels = new TunnelManager(session, live, context.workspaceState, log);
  const containers = new ContainersTree(session, live, tunnels);
  const services = new ServicesTree(session, live, workspaceContext);
  const containersView = vscode.window.createTreeView('containerWorkspaces.containers', {
    treeDataProvider: containers,
    canSelectMany: true,
    showCollapseAll: true,
  });
  const stats = new StatsPanels({ session, live, log, extensionUri: context.extensionUri });
  const servicesView = vscode.window.createTreeView('containerWorkspaces.services', {
    treeDataProvider: services,
    canSelectMany: true,
    showCollapseAll: true,
  });

  const deps = {
    session,
    live,
    containers,
    services,
    workspaceContext,
    log,
    composeOutput,
    containersView,
    tunnels,
    stats,
    state: context.workspaceState,
  };
  const tasks = new ContainerTaskProvider(session, async (name) => {
    const t = await quietTarget(deps, name);
    return typeof t === 'string'
      ? t
      : { id: t.container.id, name: t.container.name, workingDir: t.workingDir, user: t.user };
  });
  const updateBadge = () => {
    const running = containers.runningCount;
    containersView.badge = running
      ? { value: running, tooltip: `${running} running container${running === 1 ? '' : 's'}` }
      : undefined;
    containersView.message =
      containers.filter && !containers.containers.length ? `No containers match “${containers.filter}”.` : undefined;
  };

  context.subscriptions.push(
    log,
    composeOutput,
    session,
    live,
    tunnels,
    stats,
    containers,
    services,
    containersView,
    servicesView,
    workspaceContext,
    live.holdWhileVisible(containersView),
    live.holdWhileVisible(servicesView),
    containers.onDidChangeCounts(updateBadge),
    new RuntimeStatusItem(session),
    vscode.window.registerFileDecorationProvider(new WorkspaceDecorations()),
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocuments(session)),
    ...registerCommands(deps),
    vscode.tasks.registerTaskProvider(TASK_TYPE, tasks),
    // A stats panel left open comes back after a window reload, with the same container selected.
    vscode.window.registerWebviewPanelSerializer(STATS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => {
        stats.revive(panel, state);
      },
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsRuntimeSelection(e)) void session.reselect();
    }),
    // An engine that was down may have been started meanwhile: check again when the user comes back.
    vscode.window.onDidChangeWindowState((w) => {
      if (w.focused && session.state === 'unreachable') void session.connect();
    }),
  );
  void session.connect();
  // The file scan runs after activate() has returned.
  setImmediate(() => workspaceContext.start());
  return { session, live, containers, services, containersView, servicesView, workspaceContext, tasks, tunnels, stats };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
