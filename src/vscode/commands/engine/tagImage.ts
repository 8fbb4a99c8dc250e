import * as vscode from 'vscode';
import { ImageNode } from '../../views/engine/imagesTree';
import type { Command } from '../types';
import { readyRuntime } from './targets';

/** A reference as the engine takes it: registry/path:tag in lower case, no spaces. */
const REF =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?$/;

/** Gives the image row another reference (asked for, checked as typed). */
export const tagImage: Command = {
  id: 'containerWorkspaces.tagImage',
  async run(deps, node) {
    if (!(node instanceof ImageNode)) return;
    const rt = readyRuntime(deps);
    const source = node.row.image.tags.length ? node.row.ref : node.row.image.id;
    const target = await vscode.window.showInputBox({
      title: vscode.l10n.t('Tag Image'),
      prompt: vscode.l10n.t('A new reference for {0}, such as registry.example.com/team/app:1.0', source),
      value: node.row.image.tags.length ? node.row.ref : '',
      validateInput: (v) =>
        REF.test(v.trim())
          ? undefined
          : vscode.l10n.t('Use lower-case letters, digits and . _ - / : (as in team/app:1.0).'),
    });
    if (!target) return;
    await rt.tagImage(source, target.trim());
    await deps.images.refresh();
  },
};
