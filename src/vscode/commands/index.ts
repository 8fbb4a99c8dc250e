import * as vscode from 'vscode';
import { composeDown } from './compose/down';
import { composeLogs } from './compose/logs';
import { composeRestart } from './compose/restart';
import { composeStart } from './compose/start';
import { composeStop } from './compose/stop';
import { composeUp } from './compose/up';
import { clearContainersFilter } from './container/clearFilter';
import { copyContainerId } from './container/copyId';
import { copyContainerName } from './container/copyName';
import { filterContainers } from './container/filter';
import { inspectContainer } from './container/inspect';
import { openContainerInBrowser } from './container/openInBrowser';
import { pauseContainer } from './container/pause';
import { removeContainer } from './container/remove';
import { restartContainer } from './container/restart';
import { startContainer } from './container/start';
import { stopContainer } from './container/stop';
import { unpauseContainer } from './container/unpause';
import { refresh } from './refresh';
import { copyImageId } from './engine/copyImageId';
import { pullImage } from './engine/pullImage';
import { prune } from './engine/prune';
import { refreshResources } from './engine/refreshResources';
import { removeImage } from './engine/removeImage';
import { removeNetwork } from './engine/removeNetwork';
import { removeVolume } from './engine/removeVolume';
import { tagImage } from './engine/tagImage';
import { createWorkspaceContainer } from './workspace/createWorkspaceContainer';
import { createWorkspaceContainerFromRepository } from './workspace/createFromRepository';
import { followLogs } from './workspace/followLogs';
import { rebuildWorkspaceContainer } from './workspace/rebuildWorkspaceContainer';
import { openShell } from './workspace/openShell';
import { runInContainer } from './workspace/runInContainer';
import { startTunnel } from './workspace/startTunnel';
import { stopTunnel } from './workspace/stopTunnel';
import { selectRuntime } from './selectRuntime';
import { showLog } from './showLog';
import { showRuntimeHelp } from './showRuntimeHelp';
import { showStats } from './stats/showStats';
import type { Command, CommandDeps } from './types';
import { guardCommand } from '../ui/errors';

const COMMANDS: Command[] = [
  refresh,
  selectRuntime,
  showLog,
  showRuntimeHelp,
  startContainer,
  stopContainer,
  restartContainer,
  pauseContainer,
  unpauseContainer,
  removeContainer,
  inspectContainer,
  copyContainerId,
  copyContainerName,
  openContainerInBrowser,
  filterContainers,
  clearContainersFilter,
  composeUp,
  composeDown,
  composeStart,
  composeStop,
  composeRestart,
  composeLogs,
  createWorkspaceContainer,
  createWorkspaceContainerFromRepository,
  rebuildWorkspaceContainer,
  openShell,
  runInContainer,
  followLogs,
  startTunnel,
  stopTunnel,
  showStats,
  refreshResources,
  pullImage,
  tagImage,
  copyImageId,
  removeImage,
  removeVolume,
  removeNetwork,
  prune,
];

/**
 * Registers every command through one wrapper (guardCommand): a command lets its failures go and
 * the wrapper logs and shows them, with Retry, Switch Runtime and Show Log as they apply.
 */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return COMMANDS.map((c) =>
    vscode.commands.registerCommand(
      c.id,
      guardCommand(c.id, deps.log, (...args) => c.run(deps, ...args)),
    ),
  );
}

/** Command ids, for the check that package.json contributes exactly these. */
export const COMMAND_IDS = COMMANDS.map((c) => c.id);
