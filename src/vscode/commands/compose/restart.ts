import * as vscode from 'vscode';
import { composeVerbCommand } from './composeVerbCommand';

/** Restarts the project's or service's containers. */
export const composeRestart = composeVerbCommand({
  id: 'containerWorkspaces.composeRestart',
  title: 'Restart',
  args: ['restart'],
  texts: () => ({
    pick: vscode.l10n.t('Compose Restart'),
    progress: (target) => vscode.l10n.t('Compose Restart: {0}', target),
    failed: (target, exitCode) => vscode.l10n.t('Compose Restart failed for {0} (exit code {1})', target, exitCode),
  }),
});
