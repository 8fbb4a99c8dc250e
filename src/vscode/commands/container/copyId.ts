import * as vscode from 'vscode';
import { copyCommand } from './copyToClipboard';

/** Copies the full id(s) of the selected containers. */
export const copyContainerId = copyCommand(
  'containerWorkspaces.copyContainerId',
  (c) => c.id,
  () => ({
    title: vscode.l10n.t('Copy ID of Containers'),
    none: vscode.l10n.t('No container to copy id of.'),
    one: (name) => vscode.l10n.t('Copied the id of {0}', name),
    many: (count) => vscode.l10n.t('Copied {0} ids', count),
  }),
);
