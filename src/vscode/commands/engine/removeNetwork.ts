import * as vscode from 'vscode';
import { loadDetection } from '../../detection/loadDetection';
import { shownName } from '../../ui/format';
import { NetworkNode } from '../../views/engine/networksTree';
import type { Command } from '../types';
import { readyRuntime, resourceTargets } from './targets';

/** Removes the selected networks after a modal question; built-in ones are not offered, used ones refused. */
export const removeNetwork: Command = {
  id: 'containerWorkspaces.removeNetwork',
  async run(deps, ...args) {
    const rt = readyRuntime(deps);
    const rows = (
      await resourceTargets(args, (a) => (a instanceof NetworkNode ? a.row : undefined), {
        title: vscode.l10n.t('Remove Networks'),
        none: vscode.l10n.t('No network to remove.'),
        items: async () =>
          loadDetection()
            .networkInventory(rt.id, await rt.listNetworks(), await rt.listContainers({ all: true }))
            .filter((r) => !r.builtIn)
            .map((r) => ({ label: r.network.name, description: r.network.driver, value: r })),
      })
    ).filter((r) => !r.builtIn);
    if (!rows.length) return;
    const remove = vscode.l10n.t('Remove');
    const choice = await vscode.window.showWarningMessage(
      rows.length === 1
        ? vscode.l10n.t('Remove network {0}?', shownName(rows[0].network.name))
        : vscode.l10n.t('Remove {0} networks?', rows.length),
      { modal: true, detail: rows.map((r) => shownName(r.network.name)).join(', ') },
      remove,
    );
    if (choice !== remove) return;
    await vscode.window.withProgress({ location: { viewId: 'containerWorkspaces.networks' } }, async () => {
      for (const r of rows) await loadDetection().removeNetworkChecked(rt, r.network);
    });
    await deps.networks.refresh();
  },
};
