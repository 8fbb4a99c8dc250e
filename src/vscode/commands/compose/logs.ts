import * as vscode from 'vscode';
import type { Command } from '../types';
import { composeTarget } from './composeTarget';
import { composeTerminal } from './composeTerminal';

/** Follows a project's or service's logs (last 200 lines first) in a terminal. */
export const composeLogs: Command = {
  id: 'containerWorkspaces.composeLogs',
  async run(deps, ...args) {
    const target = await composeTarget(deps, args, { title: vscode.l10n.t('Compose Logs'), services: 'allowed' });
    if (!target) return;
    await composeTerminal(deps, target, ['logs', '-f', '--tail=200'], {
      name: (name) => vscode.l10n.t('Logs: {0}', name),
      icon: 'output',
    });
  },
};
