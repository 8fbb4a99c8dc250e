import * as vscode from 'vscode';
import { shownName } from '../../ui/format';
import type { ContainerSummary } from '../../../core/runtime/types';
import { portUrl } from '../../views/containers/containerTooltip';
import type { Command } from '../types';
import { containerTargets } from './targets';

interface PortPick extends vscode.QuickPickItem {
  url: string;
}

/** One pick per address the container publishes on the host. */
function portPicks(c: ContainerSummary): PortPick[] {
  const seen = new Set<string>();
  const picks: PortPick[] = [];
  for (const p of c.ports) {
    const url = portUrl(p);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    picks.push({ label: url, description: `→ ${p.containerPort}/${p.protocol}`, url });
  }
  return picks;
}

/** Opens a running container's published port in the browser (a pick when it publishes several). */
export const openContainerInBrowser: Command = {
  id: 'containerWorkspaces.openInBrowser',
  async run(deps, ...args) {
    const texts = {
      title: vscode.l10n.t('Open in Browser Container'),
      none: vscode.l10n.t('No container to open in browser.'),
    };
    const [c] = await containerTargets(deps, args, { texts, states: ['running'], many: false });
    if (!c) return;
    const picks = portPicks(c);
    if (!picks.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} publishes no port on the host.', shownName(c.name)));
      return;
    }
    const pick =
      picks.length === 1
        ? picks[0]
        : await vscode.window.showQuickPick(picks, { title: vscode.l10n.t('Open {0} in Browser', c.name) });
    if (pick) await vscode.env.openExternal(vscode.Uri.parse(pick.url));
  },
};
