import * as vscode from 'vscode';
import { lifecycleCommand } from './lifecycleCommand';

/** Freezes running containers' processes (only runtimes that can pause offer it). */
export const pauseContainer = lifecycleCommand({
  id: 'containerWorkspaces.pauseContainer',
  states: ['running'],
  action: (rt, c) => rt.pause(c.id),
  texts: () => ({
    title: vscode.l10n.t('Pause Containers'),
    none: vscode.l10n.t('No container to pause.'),
    one: (name) => vscode.l10n.t('Pausing {0}…', name),
    many: (count) => vscode.l10n.t('Pausing {0} containers…', count),
  }),
});
