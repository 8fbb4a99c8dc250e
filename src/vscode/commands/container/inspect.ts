import * as vscode from 'vscode';
import { inspectUri } from '../../documents/inspectDocuments';
import type { Command } from '../types';
import { containerTargets } from './targets';

/** Opens the engine's inspect document of a container as read-only JSON. */
export const inspectContainer: Command = {
  id: 'containerWorkspaces.inspectContainer',
  async run(deps, ...args) {
    const texts = { title: vscode.l10n.t('Inspect Container'), none: vscode.l10n.t('No container to inspect.') };
    const [c] = await containerTargets(deps, args, { texts, many: false });
    if (!c) return;
    const doc = await vscode.workspace.openTextDocument(inspectUri(c));
    await vscode.languages.setTextDocumentLanguage(doc, 'json');
    await vscode.window.showTextDocument(doc, { preview: true });
  },
};
