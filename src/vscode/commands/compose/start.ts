import * as vscode from 'vscode';
import { composeVerbCommand } from './composeVerbCommand';

/** Starts the existing containers of the project or service. */
export const composeStart = composeVerbCommand({
  id: 'containerWorkspaces.composeStart',
  title: 'Start',
  args: ['start'],
  texts: () => ({
    pick: vscode.l10n.t('Compose Start'),
    progress: (target) => vscode.l10n.t('Compose Start: {0}', target),
    failed: (target, exitCode) => vscode.l10n.t('Compose Start failed for {0} (exit code {1})', target, exitCode),
  }),
});
