import * as vscode from 'vscode';
import { escapeControl } from '../../../core/text/escapeControl';
import { shownName } from '../../ui/format';
import type { ContainerRuntime } from '../../../core/runtime/types';
import { ExecPty } from '../../terminals/execPty';
import { HostPty, hostShellArgv } from '../../terminals/hostPty';
import { requireTrust } from '../../ui/notify';
import type { Command } from '../types';
import { execWithEnv } from '../../../core/workspace/execEnv';
import { attachEnv } from './attach';
import { execTarget, workspaceFolders, type ExecTarget } from './execTarget';

const HISTORY = 'containerWorkspaces.runHistory';

/** Where the line runs: the workspace container (with its runtime), or this machine. */
type Where =
  | { t: ExecTarget; rt: ContainerRuntime; env: Record<string, string | null> }
  | { t?: undefined; rt?: undefined; env?: undefined };

/** Asks for the command line, the last one offered first. */
function askLine(where: Where, label: string, last: string | undefined): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Run in {0}', label),
    prompt: where.t
      ? vscode.l10n.t('Runs with sh -c in {0}', where.t.workingDir ?? vscode.l10n.t('the container'))
      : vscode.l10n.t('Runs with your shell in the workspace folder'),
    placeHolder: 'npm test',
    value: last,
  });
}

/** A terminal running the line, in the container or on this machine; `onExit` is told its exit code. */
function runTerminal(where: Where, line: string, onExit: (code: number) => void): vscode.Terminal {
  const short = escapeControl(line, { maxLength: 30 });
  return vscode.window.createTerminal(
    where.t
      ? {
          name: vscode.l10n.t('Run: {0}', short),
          iconPath: new vscode.ThemeIcon('play'),
          pty: new ExecPty(where.rt, where.t.container.id, {
            ...execWithEnv(['sh', '-c', line], where.env),
            workingDir: where.t.workingDir,
            user: where.t.user,
            onExit,
          }),
        }
      : {
          name: vscode.l10n.t('Host: {0}', short),
          iconPath: new vscode.ThemeIcon('device-desktop'),
          pty: new HostPty(hostShellArgv(line), { cwd: workspaceFolders()[0], onExit }),
        },
  );
}

/**
 * Asks for a command line and runs it in the workspace container (by `sh -c`, as the user typed
 * it), output in a terminal; resolves with the exit code, which is also reported.
 */
export const runInContainer: Command = {
  id: 'containerWorkspaces.runInContainer',
  async run(deps, ...args) {
    // The line usually runs the folder's own scripts (npm test, make …), on this machine or in a
    // container with the folder mounted: only once the folder is trusted.
    if (!requireTrust(vscode.l10n.t("Running a command runs this folder's scripts; trust the folder first."))) {
      return undefined;
    }
    const given = typeof args[1] === 'string' ? args[1] : typeof args[0] === 'string' ? args[0] : undefined;
    let where: Where = {};
    if (!deps.session.isHost) {
      const t = await execTarget(
        deps,
        typeof args[0] === 'string' ? [] : args,
        vscode.l10n.t('Run Command in Container'),
      );
      const rt = deps.session.runtime;
      if (!t || !rt) return undefined;
      where = { t, rt, env: await attachEnv(deps, rt, t, { postAttach: false }) };
    }
    const label = where.t ? where.t.container.name : vscode.l10n.t('this machine (host)');
    const history = deps.state.get<string[]>(HISTORY, []);
    const line = given ?? (await askLine(where, label, history[0]));
    if (!line?.trim()) return undefined;
    await deps.state.update(HISTORY, [line, ...history.filter((h) => h !== line)].slice(0, 20));
    return new Promise<number>((resolve) => {
      const onExit = (code: number) => {
        resolve(code);
        if (code !== 0)
          void vscode.window.showWarningMessage(
            vscode.l10n.t('“{0}” exited with code {1} in {2}.', shownName(line), code, shownName(label)),
          );
        else vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) “{0}” finished (exit code 0)', line), 5000);
      };
      runTerminal(where, line, onExit).show();
    });
  },
};
