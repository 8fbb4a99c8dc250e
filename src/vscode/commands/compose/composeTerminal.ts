import * as vscode from 'vscode';
import { escapeControl } from '../../../core/text/escapeControl';
import type { CommandDeps } from '../types';
import { targetName, type ComposeTarget } from './composeTarget';
import { prepareCompose } from './composeTool';

/** Runs a long-lived or interactive Compose verb (logs -f, exec) in a terminal: an argument array, no shell. */
export async function composeTerminal(
  deps: CommandDeps,
  target: ComposeTarget,
  verbArgs: string[],
  /** `name`: the terminal's name for the target's name ("Logs: cws-sample"), in the user's language. */
  o: { name: (target: string) => string; icon: string; trailing?: string[] },
): Promise<vscode.Terminal | undefined> {
  const prepared = await prepareCompose(deps, target, verbArgs);
  if (!prepared) return undefined;
  const { inv } = prepared;
  const terminal = vscode.window.createTerminal({
    name: o.name(escapeControl(targetName(target), { maxLength: 60 })),
    shellPath: inv.command,
    shellArgs: [...inv.args, ...(o.trailing ?? [])],
    cwd: inv.cwd,
    // Merged into the window's environment: only the engine address is added.
    env: { DOCKER_HOST: inv.env.DOCKER_HOST ?? null },
    iconPath: new vscode.ThemeIcon(o.icon),
  });
  terminal.show();
  return terminal;
}
