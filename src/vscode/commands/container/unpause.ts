import * as vscode from 'vscode';
import { lifecycleCommand } from './lifecycleCommand';

/** Resumes paused containers. */
export const unpauseContainer = lifecycleCommand({
  id: 'containerWorkspaces.unpauseContainer',
  states: ['paused'],
  action: (rt, c) => rt.unpause(c.id),
  texts: () => ({
    title: vscode.l10n.t('Resume Containers'),
    none: vscode.l10n.t('No container to resume.'),
    one: (name) => vscode.l10n.t('Resuming {0}…', name),
    many: (count) => vscode.l10n.t('Resuming {0} containers…', count),
  }),
});
