import * as vscode from 'vscode';
import type { Command } from '../types';
import { execTarget } from './execTarget';

/** Ends the tunnel running in the workspace container. */
export const stopTunnel: Command = {
  id: 'containerWorkspaces.stopTunnel',
  async run(deps, ...args) {
    const t = await execTarget(deps, args, 'Stop Tunnel');
    const rt = deps.session.runtime;
    if (!t || !rt) return;
    try {
      await deps.tunnels.stop(rt, t.container.id);
      vscode.window.setStatusBarMessage(`Tunnel in ${t.container.name} stopped`, 4000);
    } catch (err) {
      void vscode.window.showErrorMessage(deps.session.reportFailure(err).message);
    }
  },
};
