import * as vscode from 'vscode';
import { requireTrust } from '../../ui/notify';
import type { Command } from '../types';

/** The folder given by code (the out-of-date prompt passes it), else the workspace's first. */
function folderOf(args: unknown[]): string | undefined {
  const given = passed(args, 'folder');
  if (given) return given;
  return (vscode.workspace.workspaceFolders ?? []).find((f) => f.uri.scheme === 'file')?.uri.fsPath;
}

/** A string option of the object code passed as the first argument. */
function passed(args: unknown[], key: 'folder' | 'source' | 'configPath'): string | undefined {
  const [first] = args;
  const v: unknown =
    first && typeof first === 'object' && key in first ? (first as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/**
 * Rebuild Workspace Container: after a confirmation that says what goes (the container, with what
 * was changed inside it outside the mounted folder) and what stays (the folder, named volumes),
 * removes the folder's workspace container and creates it again from its source, Features and
 * onCreate hooks included.
 */
export const rebuildWorkspaceContainer: Command = {
  id: 'containerWorkspaces.rebuildWorkspaceContainer',
  async run(_deps, ...args): Promise<unknown> {
    if (
      !requireTrust(
        vscode.l10n.t("Rebuilding the container runs what this folder's files say; trust the folder first."),
      )
    )
      return undefined;
    const folder = folderOf(args);
    const rebuild = vscode.l10n.t('Rebuild');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t('Rebuild the workspace container?'),
      {
        modal: true,
        detail: vscode.l10n.t(
          'The container is removed and made again. Changes inside it outside the folder are lost; volumes stay.',
        ),
      },
      rebuild,
    );
    if (pick !== rebuild) return undefined;
    const source = passed(args, 'source');
    const configPath = passed(args, 'configPath');
    return vscode.commands.executeCommand('containerWorkspaces.createWorkspaceContainer', {
      ...(folder ? { folder } : {}),
      ...(source ? { source } : {}),
      ...(configPath ? { configPath } : {}),
      rebuild: true,
    });
  },
};
