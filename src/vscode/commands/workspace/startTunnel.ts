import { basename } from 'node:path';
import * as vscode from 'vscode';
import { shownName } from '../../ui/format';
import { RuntimeError } from '../../../core/runtime/errors';
import { restated } from '../../ui/errors';
import { requireTrust } from '../../ui/notify';
import type { Command } from '../types';
import { attachEnv } from './attach';
import { execTarget, workspaceFolders } from './execTarget';

/**
 * Runs `code tunnel` in the workspace container, detached; the login code and the address come as
 * notifications, and the address shows on the container's row. Downloads nothing: a container
 * without the `code` CLI gets a message saying how to add it.
 */
export const startTunnel: Command = {
  id: 'containerWorkspaces.startTunnel',
  async run(deps, ...args) {
    // It runs the `code` the workspace container has (which the folder's build put there) and opens
    // the container to the internet: only for a trusted folder.
    if (!requireTrust(vscode.l10n.t("A tunnel runs the workspace container's code CLI; trust the folder first."))) {
      return undefined;
    }
    const t = await execTarget(deps, args, vscode.l10n.t('Start Tunnel'));
    const rt = deps.session.runtime;
    if (!t || !rt) return;
    const c = t.container;
    const running = deps.tunnels.get(c.id);
    if (running) {
      void vscode.window.showInformationMessage(
        running.url
          ? vscode.l10n.t('A tunnel already runs in {0}: {1}', shownName(c.name), running.url)
          : vscode.l10n.t('A tunnel already runs in {0}.', shownName(c.name)),
      );
      return;
    }
    const folder = workspaceFolders()[0];
    const name = folder ? basename(folder) : c.name;
    // remoteEnv for the tunnel (the variables it unsets do not apply: it is started by a script of
    // ours); postAttachCommand, in terminals of its own, once the tunnel has started.
    const env = Object.fromEntries(
      Object.entries(await attachEnv(deps, rt, t, { postAttach: false })).filter(
        (e): e is [string, string] => e[1] !== null,
      ),
    );
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Starting a tunnel in {0}…', c.name) },
        () =>
          deps.tunnels.start(rt, c.id, { name, containerName: c.name, user: t.user, workingDir: t.workingDir, env }),
      );
      void attachEnv(deps, rt, t, { postAttach: true });
    } catch (err) {
      const e = err instanceof RuntimeError ? err : deps.session.classifyFailure(err);
      // The runtime names the container by id; the user knows it by name.
      throw restated(e, e.message.replaceAll(c.id, c.name), e.hint?.replaceAll(c.id, c.name));
    }
  },
};
