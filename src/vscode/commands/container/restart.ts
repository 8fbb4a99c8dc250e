import * as vscode from 'vscode';
import { lifecycleCommand } from './lifecycleCommand';

/** Restarts containers (stopped ones are started). */
export const restartContainer = lifecycleCommand({
  id: 'containerWorkspaces.restartContainer',
  states: ['running', 'paused', 'exited', 'created', 'restarting', 'dead'],
  action: (rt, c) => rt.restart(c.id),
  texts: () => ({
    title: vscode.l10n.t('Restart Containers'),
    none: vscode.l10n.t('No container to restart.'),
    one: (name) => vscode.l10n.t('Restarting {0}…', name),
    many: (count) => vscode.l10n.t('Restarting {0} containers…', count),
  }),
});
