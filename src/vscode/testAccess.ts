/**
 * How the in-extension-host tests (test/vscode/suite) reach the extension's own objects, now that
 * the exported API (./api.ts) is only what another extension may rely on.
 *
 * Only when VS Code runs the extension in Test mode (launched with --extensionDevelopmentPath and
 * --extensionTestsPath, as both test/vscode launchers do) is an internal command registered that
 * returns these objects. It is not contributed in package.json, so it is on no palette or menu, and
 * its leading underscore keeps it out of `vscode.commands.getCommands(true)`. A command run in the
 * extension host that registered it returns its result as is (no serialisation), so the tests get
 * the live objects. In Development and Production mode the command does not exist.
 */
import * as vscode from 'vscode';
import type { WorkspaceContextService } from './detection/workspaceContextService';
import type { LiveContainers } from './live/liveContainers';
import type { RuntimeSession } from './runtimeSession';
import type { StatsPanels } from './stats/statsPanel';
import type { ContainerTaskProvider } from './tasks/containerTasks';
import type { TunnelManager } from './tunnels/tunnelManager';
import type { ContainersNode, ContainersTree } from './views/containers/containersTree';
import type { ServicesNode, ServicesTree } from './views/services/servicesTree';
import type { ImagesNode, ImagesTree } from './views/engine/imagesTree';
import type { NetworkNode, NetworksTree } from './views/engine/networksTree';
import type { VolumeNode, VolumesTree } from './views/engine/volumesTree';

/** Run it with vscode.commands.executeCommand; resolves to ExtensionInternals. */
export const TEST_INTERNALS_COMMAND = '_containerWorkspaces.testInternals';

/** The extension's own objects, for its tests only. */
export interface ExtensionInternals {
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
  readonly images: ImagesTree;
  readonly volumes: VolumesTree;
  readonly networks: NetworksTree;
  readonly imagesView: vscode.TreeView<ImagesNode>;
  readonly volumesView: vscode.TreeView<VolumeNode>;
  readonly networksView: vscode.TreeView<NetworkNode>;
}

/** In Test mode, registers the test-only command (the disposable returned); otherwise does nothing. */
export function registerTestAccess(mode: vscode.ExtensionMode, internals: ExtensionInternals): vscode.Disposable[] {
  if (mode !== vscode.ExtensionMode.Test) return [];
  return [vscode.commands.registerCommand(TEST_INTERNALS_COMMAND, () => internals)];
}
