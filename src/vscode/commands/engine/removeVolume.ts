import * as vscode from 'vscode';
import { loadDetection } from '../../detection/loadDetection';
import { shownName } from '../../ui/format';
import { containerNames } from '../../views/engine/resourceTree';
import { VolumeNode } from '../../views/engine/volumesTree';
import type { Command } from '../types';
import { readyRuntime, resourceTargets } from './targets';

/**
 * Removes the selected volumes (and the data in them) after a modal question naming them; one a
 * container mounts is refused, the container named, and nothing is removed.
 */
export const removeVolume: Command = {
  id: 'containerWorkspaces.removeVolume',
  async run(deps, ...args) {
    const rt = readyRuntime(deps);
    const rows = await resourceTargets(args, (a) => (a instanceof VolumeNode ? a.row : undefined), {
      title: vscode.l10n.t('Remove Volumes'),
      none: vscode.l10n.t('No volume to remove.'),
      items: async () =>
        loadDetection()
          .volumeInventory(await rt.listVolumes(), await rt.listContainers({ all: true }))
          .map((r) => ({
            label: r.volume.name,
            description: r.usedBy.length ? vscode.l10n.t('used by {0}', containerNames(r.usedBy)) : r.volume.driver,
            value: r,
          })),
    });
    if (!rows.length) return;
    const used = rows.find((r) => r.usedBy.length);
    if (used) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Volume {0} is used by {1}; nothing was removed.',
          shownName(used.volume.name),
          containerNames(used.usedBy),
        ),
        { modal: true, detail: vscode.l10n.t('Remove the container first; its data stays in the volume until then.') },
      );
      return;
    }
    const remove = vscode.l10n.t('Remove');
    const choice = await vscode.window.showWarningMessage(
      rows.length === 1
        ? vscode.l10n.t('Remove volume {0} and the data in it?', shownName(rows[0].volume.name))
        : vscode.l10n.t('Remove {0} volumes and the data in them?', rows.length),
      {
        modal: true,
        detail: [rows.map((r) => shownName(r.volume.name)).join(', '), vscode.l10n.t('This cannot be undone.')].join(
          '\n',
        ),
      },
      remove,
    );
    if (choice !== remove) return;
    await vscode.window.withProgress({ location: { viewId: 'containerWorkspaces.volumes' } }, async () => {
      for (const r of rows) await loadDetection().removeVolumeChecked(rt, r.volume.name);
    });
    await deps.volumes.refresh();
  },
};
