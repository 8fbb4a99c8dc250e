import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { RuntimeSession } from './runtimeSession';
import { affectsRuntimeSelection, selectionFromSettings } from './settings';
import { RuntimeStatusItem } from './statusBar/runtimeStatusItem';
import { ContainersTree } from './views/containersTree';
import { WorkspaceContextService } from './workspaceContext/workspaceContextService';

/** What the extension exports: used by its own tests and open to other extensions. */
export interface ContainerWorkspacesApi {
  readonly session: RuntimeSession;
  readonly containers: ContainersTree;
  readonly workspaceContext: WorkspaceContextService;
}

/**
 * Synchronous: creates the views, status bar and commands, then lets the first engine check run in
 * the background. Nothing here waits on a daemon, a CLI or a file scan.
 */
export function activate(context: vscode.ExtensionContext): ContainerWorkspacesApi {
  const log = vscode.window.createOutputChannel('Container Workspaces', { log: true });
  const session = new RuntimeSession(log, selectionFromSettings);
  const containers = new ContainersTree(session);
  const view = vscode.window.createTreeView('containerWorkspaces.containers', { treeDataProvider: containers });
  const workspaceContext = new WorkspaceContextService(log);

  context.subscriptions.push(
    log, session, containers, view, workspaceContext,
    new RuntimeStatusItem(session),
    ...registerCommands({ session, containers, log }),
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
  return { session, containers, workspaceContext };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
