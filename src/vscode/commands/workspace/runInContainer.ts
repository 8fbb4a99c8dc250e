import * as vscode from 'vscode';
import { ExecPty } from '../../terminals/execPty';
import { HostPty, hostShellArgv } from '../../terminals/hostPty';
import type { Command } from '../types';
import { execTarget, workspaceFolders } from './execTarget';

const HISTORY = 'containerWorkspaces.runHistory';

/**
 * Asks for a command line and runs it in the workspace container (by `sh -c`, as the user typed
 * it), output in a terminal; resolves with the exit code, which is also reported.
 */
export const runInContainer: Command = {
  id: 'containerWorkspaces.runInContainer',
  async run(deps, ...args) {
    const given = typeof args[1] === 'string' ? args[1] : typeof args[0] === 'string' ? args[0] : undefined;
    const host = deps.session.isHost;
    const t = host
      ? undefined
      : await execTarget(deps, typeof args[0] === 'string' ? [] : args, 'Run Command in Container');
    const rt = deps.session.runtime;
    if (!host && (!t || !rt)) return undefined;
    const where = t ? t.container.name : 'this machine (host)';
    const history = deps.state.get<string[]>(HISTORY, []);
    const line =
      given ??
      (await vscode.window.showInputBox({
        title: `Run in ${where}`,
        prompt: t
          ? `Runs with sh -c in ${t.workingDir ?? 'the container'}`
          : 'Runs with your shell in the workspace folder',
        placeHolder: 'npm test',
        value: history[0],
      }));
    if (!line?.trim()) return undefined;
    await deps.state.update(HISTORY, [line, ...history.filter((h) => h !== line)].slice(0, 20));
    return new Promise<number>((resolve) => {
      const onExit = (code: number) => {
        resolve(code);
        if (code !== 0) void vscode.window.showWarningMessage(`“${line}” exited with code ${code} in ${where}.`);
        else vscode.window.setStatusBarMessage(`$(check) “${line}” finished (exit code 0)`, 5000);
      };
      const short = line.length > 30 ? `${line.slice(0, 29)}…` : line;
      const terminal = vscode.window.createTerminal(
        t && rt
          ? {
              name: `Run: ${short}`,
              iconPath: new vscode.ThemeIcon('play'),
              pty: new ExecPty(rt, t.container.id, {
                cmd: ['sh', '-c', line],
                workingDir: t.workingDir,
                user: t.user,
                onExit,
              }),
            }
          : {
              name: `Host: ${short}`,
              iconPath: new vscode.ThemeIcon('device-desktop'),
              pty: new HostPty(hostShellArgv(line), { cwd: workspaceFolders()[0], onExit }),
            },
      );
      terminal.show();
    });
  },
};
