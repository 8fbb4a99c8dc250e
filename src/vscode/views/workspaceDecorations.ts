import * as vscode from 'vscode';

const SCHEME = 'cws-workspace';

/** A resource URI for a tree row that belongs to the workspace; it gets the workspace mark. */
export function workspaceUri(path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: `/${path}` });
}

/** Marks rows of containers and projects that belong to the open workspace with a badge. */
export class WorkspaceDecorations implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== SCHEME) return undefined;
    return new vscode.FileDecoration(
      vscode.l10n.t('W'),
      vscode.l10n.t('In this workspace'),
      new vscode.ThemeColor('charts.blue'),
    );
  }
}
