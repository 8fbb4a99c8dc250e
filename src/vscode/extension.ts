import { affectsForwarding, windowForwarding } from './forwarding/forwarding';
import * as vscode from 'vscode';
import type { ContainerWorkspacesApi } from './api';
import { registerCommands } from './commands';
import type { CommandDeps } from './commands/types';
import { attachEnv } from './commands/workspace/attach';
import { shutdownActions } from './shutdown/shutdownActions';
import type { ContainerRuntime } from '../core/runtime/types';
import { quietTarget } from './commands/workspace/execTarget';
import { WorkspaceContextService } from './detection/workspaceContextService';
import { INSPECT_SCHEME, InspectDocuments } from './documents/inspectDocuments';
import { LiveContainers } from './live/liveContainers';
import { PublicApi } from './publicApi';
import { RuntimeSession } from './runtimeSession';
import { affectsRuntimeSelection, selectionFromSettings } from './settings';
import { STATS_VIEW_TYPE, StatsPanels } from './stats/statsPanel';
import { RuntimeStatusItem } from './statusBar/runtimeStatusItem';
import { ContainerTaskProvider, TASK_TYPE } from './tasks/containerTasks';
import { registerTestAccess } from './testAccess';
import { TunnelManager } from './tunnels/tunnelManager';
import { ContainersTree, type ContainersNode } from './views/containers/containersTree';
import { ImagesTree, type ImagesNode } from './views/engine/imagesTree';
import { NetworksTree, type NetworkNode } from './views/engine/networksTree';
import { VolumesTree, type VolumeNode } from './views/engine/volumesTree';
import { holdWhileVisible } from './live/holdWhileVisible';
import { LiveResources } from './live/liveResources';
import { ServicesTree, type ServicesNode } from './views/services/servicesTree';
import { WorkspaceDecorations } from './views/workspaceDecorations';
import { safeLog } from './ui/safeLog';

/** The long-lived objects behind the views, commands and status bar; none of them reaches an engine when made. */
interface Parts {
  readonly log: vscode.LogOutputChannel;
  readonly composeOutput: vscode.OutputChannel;
  readonly session: RuntimeSession;
  readonly live: LiveContainers;
  readonly workspaceContext: WorkspaceContextService;
  readonly tunnels: TunnelManager;
  readonly containers: ContainersTree;
  readonly services: ServicesTree;
  readonly stats: StatsPanels;
  readonly resources: LiveResources;
  readonly images: ImagesTree;
  readonly volumes: VolumesTree;
  readonly networks: NetworksTree;
}

interface Views {
  readonly containersView: vscode.TreeView<ContainersNode>;
  readonly servicesView: vscode.TreeView<ServicesNode>;
  readonly imagesView: vscode.TreeView<ImagesNode>;
  readonly volumesView: vscode.TreeView<VolumeNode>;
  readonly networksView: vscode.TreeView<NetworkNode>;
}

function createParts(context: vscode.ExtensionContext): Parts {
  const log = safeLog(vscode.window.createOutputChannel('Container Workspaces', { log: true }));
  const composeOutput = vscode.window.createOutputChannel('Container Workspaces: Compose');
  const session = new RuntimeSession(log, selectionFromSettings);
  const live = new LiveContainers(session, log);
  const workspaceContext = new WorkspaceContextService(log);
  const tunnels = new TunnelManager(session, live, context.workspaceState, log);
  const containers = new ContainersTree(session, live, tunnels);
  const services = new ServicesTree(session, live, workspaceContext);
  const stats = new StatsPanels({ session, live, log, extensionUri: context.extensionUri });
  const resources = new LiveResources(session, live);
  const images = new ImagesTree(session, live, resources.images);
  const volumes = new VolumesTree(session, live, resources.volumes);
  const networks = new NetworksTree(session, live, resources.networks);
  return {
    log,
    composeOutput,
    session,
    live,
    workspaceContext,
    tunnels,
    containers,
    services,
    stats,
    resources,
    images,
    volumes,
    networks,
  };
}

function createViews({ containers, services, images, volumes, networks }: Parts): Views {
  const containersView = vscode.window.createTreeView('containerWorkspaces.containers', {
    treeDataProvider: containers,
    canSelectMany: true,
    showCollapseAll: true,
  });
  const servicesView = vscode.window.createTreeView('containerWorkspaces.services', {
    treeDataProvider: services,
    canSelectMany: true,
    showCollapseAll: true,
  });
  const imagesView = vscode.window.createTreeView('containerWorkspaces.images', {
    treeDataProvider: images,
    canSelectMany: true,
    showCollapseAll: true,
  });
  const volumesView = vscode.window.createTreeView('containerWorkspaces.volumes', {
    treeDataProvider: volumes,
    canSelectMany: true,
  });
  const networksView = vscode.window.createTreeView('containerWorkspaces.networks', {
    treeDataProvider: networks,
    canSelectMany: true,
  });
  return { containersView, servicesView, imagesView, volumesView, networksView };
}

/** `container-workspaces` tasks run in the container named, else in the workspace's running one. */
function createTaskProvider(deps: CommandDeps): ContainerTaskProvider {
  return new ContainerTaskProvider(deps.session, async (name) => {
    const t = await quietTarget(deps, name);
    if (typeof t === 'string') return t;
    const env = deps.session.runtime ? await attachEnv(deps, deps.session.runtime, t, { postAttach: false }) : {};
    return { id: t.container.id, name: t.container.name, workingDir: t.workingDir, user: t.user, env };
  });
}

/** The Containers view's badge (running containers) and its message when the filter hides every row. */
function followCounts(containers: ContainersTree, view: vscode.TreeView<ContainersNode>): vscode.Disposable {
  return containers.onDidChangeCounts(() => {
    const running = containers.runningCount;
    view.badge = running
      ? {
          value: running,
          tooltip:
            running === 1 ? vscode.l10n.t('1 running container') : vscode.l10n.t('{0} running containers', running),
        }
      : undefined;
    view.message =
      containers.filter && !containers.containers.length
        ? vscode.l10n.t('No containers match “{0}”.', containers.filter)
        : undefined;
  });
}

/** The views hold the live store only while visible, and keep their badge and message current. */
function wireViews({ live, containers, images, volumes, networks }: Parts, v: Views): vscode.Disposable[] {
  return [
    live.holdWhileVisible(v.containersView),
    live.holdWhileVisible(v.servicesView),
    holdWhileVisible(v.imagesView, () => images.store.acquire()),
    holdWhileVisible(v.volumesView, () => volumes.store.acquire()),
    holdWhileVisible(v.networksView, () => networks.store.acquire()),
    followCounts(containers, v.containersView),
  ];
}

/** Decorations, documents, commands, tasks and the stats panel's revival after a reload. */
function registerProviders(deps: CommandDeps, tasks: ContainerTaskProvider): vscode.Disposable[] {
  const { session, stats } = deps;
  return [
    vscode.window.registerFileDecorationProvider(new WorkspaceDecorations()),
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, new InspectDocuments(session)),
    ...registerCommands(deps),
    vscode.tasks.registerTaskProvider(TASK_TYPE, tasks),
    // A stats panel left open comes back after a window reload, with the same container selected.
    vscode.window.registerWebviewPanelSerializer(STATS_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) => {
        stats.revive(panel, state);
        return Promise.resolve();
      },
    }),
  ];
}

/** The settings and the window that make the session look again. */
function wireSession(session: RuntimeSession): vscode.Disposable[] {
  return [
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsRuntimeSelection(e)) void session.reselect();
      if (affectsForwarding(e)) void windowForwarding.settingsChanged();
    }),
    // Trust granted: what the workspace containers borrow from this machine is served again as set.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void windowForwarding.settingsChanged()),
    // An engine that was down may have been started meanwhile: check again when the user comes back.
    vscode.window.onDidChangeWindowState((w) => {
      if (w.focused && session.state === 'unreachable') void session.connect();
    }),
  ];
}

/**
 * Synchronous: creates the views, status bar and commands, then lets the first engine check run in
 * the background. Nothing here waits on a daemon, a CLI or a file scan; the views reach the engine
 * only while they are visible.
 */
export function activate(context: vscode.ExtensionContext): ContainerWorkspacesApi {
  const parts = createParts(context);
  const views = createViews(parts);
  const { log, composeOutput, session, live, workspaceContext, tunnels, containers, services, stats } = parts;
  const { containersView, servicesView, imagesView, volumesView, networksView } = views;
  const deps: CommandDeps = { ...parts, containersView, state: context.workspaceState };
  const tasks = createTaskProvider(deps);
  const api = new PublicApi(session, live);

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
    parts.resources,
    parts.images,
    parts.volumes,
    parts.networks,
    imagesView,
    volumesView,
    networksView,
    workspaceContext,
    ...wireViews(parts, views),
    new RuntimeStatusItem(session),
    ...registerProviders(deps, tasks),
    ...wireSession(session),
    api,
    ...registerTestAccess(context.extensionMode, {
      session,
      live,
      containers,
      services,
      containersView,
      servicesView,
      workspaceContext,
      tasks,
      tunnels,
      stats,
      images: parts.images,
      volumes: parts.volumes,
      networks: parts.networks,
      imagesView,
      volumesView,
      networksView,
    }),
  );

  lastRuntime = () => session.runtime;
  void session.connect();
  // The file scan runs after activate() has returned.
  setImmediate(() => workspaceContext.start());
  return api.api;
}

/**
 * Everything else is in context.subscriptions. What the window's workspace containers' configs ask
 * for on close (shutdownAction) is done here, as VS Code waits for it; the forwarding's sockets close.
 */
export async function deactivate(): Promise<void> {
  await Promise.all([shutdownActions.run(lastRuntime?.()), windowForwarding.close()]);
}

/** The session's runtime, for deactivate() (set by activate). */
let lastRuntime: (() => ContainerRuntime | undefined) | undefined;
