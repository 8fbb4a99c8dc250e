import * as vscode from 'vscode';
import { ExecPty } from '../../terminals/execPty';
import type { Command } from '../types';
import { execTarget } from './execTarget';

const HISTORY = 'containerWorkspaces.runHistory';

/**
 * Asks for a command line and runs it in the workspace container (by `sh -c`, as the user typed
 * it), output in a terminal; resolves with the exit code, which is also reported.
 */
export const runInContainer: Command = {
  id: 'containerWorkspaces.runInContainer',
  async run(deps, ...args) {
    const given = typeof args[1] === 'string' ? args[1] : undefined;
    const t = await execTarget(deps, typeof args[0] === 'string' ? [] : args, 'Run Command in Container');
    const rt = deps.session.runtime;
    if (!t || !rt) return undefined;
    const history = deps.state.get<string[]>(HISTORY, []);
    const line = given ?? await vscode.window.showInputBox({
      title: `Run in ${t.container.name}`, prompt: `Runs with sh -c in ${t.workingDir ?? 'the container'}`,
      placeHolder: 'npm test', value: history[0],
    });
    if (!line?.trim()) return undefined;
    await deps.state.update(HISTORY, [line, ...history.filter((h) => h !== line)].slice(0, 20));
    return new Promise<number>((resolve) => {
      const terminal = vscode.window.createTerminal({
        name: `Run: ${line.length > 30 ? `${line.slice(0, 29)}…` : line}`,
        iconPath: new vscode.ThemeIcon('play'),
        pty: new ExecPty(rt, t.container.id, {
          cmd: ['sh', '-c', line], workingDir: t.workingDir, user: t.user,
          onExit: (code) => {
            resolve(code);
            if (code !== 0) void vscode.window.showWarningMessage(`“${line}” exited with code ${code} in ${t.container.name}.`);
            else vscode.window.setStatusBarMessage(`$(check) “${line}” finished (exit code 0)`, 5000);
          },
        }),
      });
      terminal.show();
    });
  },
};
