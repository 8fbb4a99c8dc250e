import * as vscode from 'vscode';
import { lifecycleCommand } from './lifecycleCommand';

/** Stops running containers, with the engine's grace period. */
export const stopContainer = lifecycleCommand({
  id: 'containerWorkspaces.stopContainer',
  states: ['running', 'paused', 'restarting'],
  action: (rt, c) => rt.stop(c.id),
  texts: () => ({
    title: vscode.l10n.t('Stop Containers'),
    none: vscode.l10n.t('No container to stop.'),
    one: (name) => vscode.l10n.t('Stopping {0}…', name),
    many: (count) => vscode.l10n.t('Stopping {0} containers…', count),
  }),
});
