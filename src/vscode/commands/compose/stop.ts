import * as vscode from 'vscode';
import { composeVerbCommand } from './composeVerbCommand';

/** Stops the project's or service's containers (they are kept). */
export const composeStop = composeVerbCommand({
  id: 'containerWorkspaces.composeStop',
  title: 'Stop',
  args: ['stop'],
  texts: () => ({
    pick: vscode.l10n.t('Compose Stop'),
    progress: (target) => vscode.l10n.t('Compose Stop: {0}', target),
    failed: (target, exitCode) => vscode.l10n.t('Compose Stop failed for {0} (exit code {1})', target, exitCode),
  }),
});
