import * as vscode from 'vscode';

/** The open workspace folders on disk (absolute paths); virtual folders are left out. */
export function workspaceFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}
