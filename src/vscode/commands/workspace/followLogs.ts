import * as vscode from 'vscode';
import { escapeControl } from '../../../core/text/escapeControl';
import { LogsPty } from '../../terminals/logsPty';
import type { Command } from '../types';
import { execTarget } from './execTarget';

/** Follows a container's logs (the last lines first) in a terminal, until it is closed or the container goes. */
export const followLogs: Command = {
  id: 'containerWorkspaces.followLogs',
  async run(deps, ...args) {
    const t = await execTarget(deps, args, vscode.l10n.t('Follow Container Logs'));
    const rt = deps.session.runtime;
    if (!t || !rt) return undefined;
    const tail = vscode.workspace.getConfiguration('containerWorkspaces').get<number>('logs.tail', 200);
    const terminal = vscode.window.createTerminal({
      name: vscode.l10n.t('Logs: {0}', escapeControl(t.container.name, { maxLength: 60 })),
      iconPath: new vscode.ThemeIcon('output'),
      pty: new LogsPty(rt, t.container.id, tail, deps.session),
    });
    terminal.show(true);
    return terminal;
  },
};
