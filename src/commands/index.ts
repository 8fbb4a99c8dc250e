import * as vscode from 'vscode';
import { refresh } from './refresh';
import { selectRuntime } from './selectRuntime';
import { showLog } from './showLog';
import { showRuntimeHelp } from './showRuntimeHelp';
import type { Command, CommandDeps } from './types';

const COMMANDS: Command[] = [refresh, selectRuntime, showLog, showRuntimeHelp];

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return COMMANDS.map((c) => vscode.commands.registerCommand(c.id, (...args: unknown[]) => c.run(deps, ...args)));
}

/** Command ids, for the check that package.json contributes exactly these. */
export const COMMAND_IDS = COMMANDS.map((c) => c.id);
