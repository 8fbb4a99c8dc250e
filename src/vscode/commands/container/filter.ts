import * as vscode from 'vscode';
import type { Command } from '../types';

/** Filters the Containers view as you type (name, image, project, service or state). */
export const filterContainers: Command = {
  id: 'containerWorkspaces.filterContainers',
  run({ containers, containersView }) {
    const box = vscode.window.createInputBox();
    box.title = vscode.l10n.t('Filter Containers');
    box.placeholder = vscode.l10n.t('Name, image, Compose project, service or state');
    box.value = containers.filter;
    const before = containers.filter;
    const apply = (v: string) => {
      containers.setFilter(v);
      containersView.description = containers.filter ? vscode.l10n.t('filter: {0}', containers.filter) : undefined;
    };
    box.onDidChangeValue(apply);
    let accepted = false;
    box.onDidAccept(() => {
      accepted = true;
      box.hide();
    });
    box.onDidHide(() => {
      if (!accepted) apply(before);
      box.dispose();
    });
    box.show();
  },
};
