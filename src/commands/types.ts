import type * as vscode from 'vscode';
import type { RuntimeSession } from '../runtimeSession';
import type { ContainersTree } from '../views/containersTree';

/** What commands may use. They hold no container logic: they call the runtime layer. */
export interface CommandDeps {
  session: RuntimeSession;
  containers: ContainersTree;
  log: vscode.LogOutputChannel;
}

export interface Command {
  id: string;
  run(deps: CommandDeps, ...args: unknown[]): unknown;
}
