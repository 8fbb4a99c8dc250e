import { basename } from 'node:path';
import * as vscode from 'vscode';
import { RuntimeError } from '../../../core/runtime/errors';
import type { Command } from '../types';
import { execTarget, workspaceFolders } from './execTarget';

/**
 * Runs `code tunnel` in the workspace container, detached; the login code and the address come as
 * notifications, and the address shows on the container's row. Downloads nothing: a container
 * without the `code` CLI gets a message saying how to add it.
 */
export const startTunnel: Command = {
  id: 'containerWorkspaces.startTunnel',
  async run(deps, ...args) {
    const t = await execTarget(deps, args, 'Start Tunnel');
    const rt = deps.session.runtime;
    if (!t || !rt) return;
    const c = t.container;
    if (deps.tunnels.get(c.id)) {
      void vscode.window.showInformationMessage(
        `A tunnel already runs in ${c.name}${deps.tunnels.get(c.id)!.url ? `: ${deps.tunnels.get(c.id)!.url}` : '.'}`,
      );
      return;
    }
    const folder = workspaceFolders()[0];
    const name = folder ? basename(folder) : c.name;
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Starting a tunnel in ${c.name}…` },
        async () => {
          await deps.tunnels.start(rt, c.id, { name, containerName: c.name, user: t.user, workingDir: t.workingDir });
        },
      );
    } catch (err) {
      const e = err instanceof RuntimeError ? err : deps.session.reportFailure(err);
      // The runtime names the container by id; the user knows it by name.
      const text = `${e.message.replaceAll(c.id, c.name)}${e.hint ? ` ${e.hint}` : ''}`;
      deps.log.warn(text);
      void vscode.window.showErrorMessage(text);
    }
  },
};
