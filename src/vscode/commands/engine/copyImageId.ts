import * as vscode from 'vscode';
import { ImageNode } from '../../views/engine/imagesTree';
import type { Command } from '../types';

/** Copies the full id of the image row it was invoked on. */
export const copyImageId: Command = {
  id: 'containerWorkspaces.copyImageId',
  async run(_deps, node) {
    if (!(node instanceof ImageNode)) return;
    await vscode.env.clipboard.writeText(node.row.image.id);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the id of {0}', node.row.ref), 3000);
  },
};
