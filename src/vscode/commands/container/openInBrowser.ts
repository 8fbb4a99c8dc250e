import * as vscode from 'vscode';
import { portUrl } from '../../views/containers/containerTooltip';
import type { Command } from '../types';
import { containerTargets } from './targets';

interface PortPick extends vscode.QuickPickItem {
  url: string;
}

/** Opens a running container's published port in the browser (a pick when it publishes several). */
export const openContainerInBrowser: Command = {
  id: 'containerWorkspaces.openInBrowser',
  async run(deps, ...args) {
    const [c] = await containerTargets(deps, args, { verb: 'Open in Browser', states: ['running'], many: false });
    if (!c) return;
    const seen = new Set<string>();
    const picks: PortPick[] = [];
    for (const p of c.ports) {
      const url = portUrl(p);
      if (!url || seen.has(url)) continue;
      seen.add(url);
      picks.push({ label: url, description: `→ ${p.containerPort}/${p.protocol}`, url });
    }
    if (!picks.length) {
      void vscode.window.showInformationMessage(`${c.name} publishes no port on the host.`);
      return;
    }
    const pick =
      picks.length === 1 ? picks[0] : await vscode.window.showQuickPick(picks, { title: `Open ${c.name} in Browser` });
    if (pick) await vscode.env.openExternal(vscode.Uri.parse(pick.url));
  },
};
