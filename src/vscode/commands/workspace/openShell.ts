import * as vscode from 'vscode';
import { escapeControl } from '../../../core/text/escapeControl';
import { execWithEnv } from '../../../core/workspace/execEnv';
import { ExecPty } from '../../terminals/execPty';
import { attachEnv } from './attach';
import type { Command } from '../types';
import { execTarget, workspaceFolders } from './execTarget';

/** A fixed script (no user text in it): a login bash when the image has bash, else sh. */
export const SHELL = ['sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi'];

/** A terminal with a shell in the container, in the workspace folder, resized with the terminal. */
export const openShell: Command = {
  id: 'containerWorkspaces.openShell',
  async run(deps, ...args) {
    if (deps.session.isHost) {
      // No engine: the user's own shell on this machine, in the workspace folder.
      const terminal = vscode.window.createTerminal({
        name: vscode.l10n.t('Host: shell'),
        cwd: workspaceFolders()[0],
        iconPath: new vscode.ThemeIcon('device-desktop'),
      });
      terminal.show();
      return terminal;
    }
    const t = await execTarget(deps, args, vscode.l10n.t('Open Shell in Container'));
    const rt = deps.session.runtime;
    if (!t || !rt) return undefined;
    // remoteEnv for the shell; postAttachCommand in terminals of its own beside it.
    const { cmd, env } = execWithEnv(SHELL, await attachEnv(deps, rt, t, { postAttach: true }));
    const terminal = vscode.window.createTerminal({
      name: vscode.l10n.t('Shell: {0}', escapeControl(t.container.name, { maxLength: 60 })),
      iconPath: new vscode.ThemeIcon('vm'),
      pty: new ExecPty(rt, t.container.id, { cmd, env, workingDir: t.workingDir, user: t.user }),
    });
    terminal.show();
    return terminal;
  },
};
