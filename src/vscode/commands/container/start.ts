import * as vscode from 'vscode';
import { lifecycleCommand } from './lifecycleCommand';

/** Starts stopped containers (the selection, or picked from a list). */
export const startContainer = lifecycleCommand({
  id: 'containerWorkspaces.startContainer',
  states: ['created', 'exited', 'dead'],
  action: (rt, c) => rt.start(c.id),
  texts: () => ({
    title: vscode.l10n.t('Start Containers'),
    none: vscode.l10n.t('No container to start.'),
    one: (name) => vscode.l10n.t('Starting {0}…', name),
    many: (count) => vscode.l10n.t('Starting {0} containers…', count),
  }),
});
