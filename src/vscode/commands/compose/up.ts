import * as vscode from 'vscode';
import { composeVerbCommand } from './composeVerbCommand';

/** Creates and starts the project's (or one service's) containers, detached; builds images that are missing. */
export const composeUp = composeVerbCommand({
  id: 'containerWorkspaces.composeUp',
  title: 'Up',
  args: ['up', '-d'],
  texts: () => ({
    pick: vscode.l10n.t('Compose Up'),
    progress: (target) => vscode.l10n.t('Compose Up: {0}', target),
    failed: (target, exitCode) => vscode.l10n.t('Compose Up failed for {0} (exit code {1})', target, exitCode),
  }),
});
