import * as vscode from 'vscode';
import { copyCommand } from './copyToClipboard';

/** Copies the name(s) of the selected containers. */
export const copyContainerName = copyCommand(
  'containerWorkspaces.copyContainerName',
  (c) => c.name,
  () => ({
    title: vscode.l10n.t('Copy Name of Containers'),
    none: vscode.l10n.t('No container to copy name of.'),
    one: (name) => vscode.l10n.t('Copied the name of {0}', name),
    many: (count) => vscode.l10n.t('Copied {0} names', count),
  }),
);
