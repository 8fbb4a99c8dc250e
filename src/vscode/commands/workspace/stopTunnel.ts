import * as vscode from 'vscode';
import type { Command } from '../types';
import { execTarget } from './execTarget';

/** Ends the tunnel running in the workspace container. */
export const stopTunnel: Command = {
  id: 'containerWorkspaces.stopTunnel',
  async run(deps, ...args) {
    const t = await execTarget(deps, args, vscode.l10n.t('Stop Tunnel'));
    const rt = deps.session.runtime;
    if (!t || !rt) return;
    try {
      await deps.tunnels.stop(rt, t.container.id);
    } catch (err) {
      throw deps.session.classifyFailure(err);
    }
    vscode.window.setStatusBarMessage(vscode.l10n.t('Tunnel in {0} stopped', t.container.name), 4000);
  },
};
