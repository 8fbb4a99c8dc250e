import * as vscode from 'vscode';
import { escapeControl } from '../../../core/text/escapeControl';
import { ExecPty } from '../../terminals/execPty';
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
    const terminal = vscode.window.createTerminal({
      name: vscode.l10n.t('Shell: {0}', escapeControl(t.container.name, { maxLength: 60 })),
      iconPath: new vscode.ThemeIcon('vm'),
      pty: new ExecPty(rt, t.container.id, { cmd: SHELL, workingDir: t.workingDir, user: t.user }),
    });
    terminal.show();
    return terminal;
  },
};
