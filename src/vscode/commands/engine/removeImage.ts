import * as vscode from 'vscode';
import type { ImageRow } from '../../../core/inventory/images';
import { loadDetection } from '../../detection/loadDetection';
import { formatBytes } from '../../../core/text/bytes';
import { shownName } from '../../ui/format';
import { ImageNode } from '../../views/engine/imagesTree';
import { containerNames } from '../../views/engine/resourceTree';
import type { Command } from '../types';
import { readyRuntime, resourceTargets } from './targets';

const label = (r: ImageRow) => (r.image.tags.length ? r.ref : r.image.id.replace(/^sha256:/, '').slice(0, 12));

/**
 * Removes the selected images after a modal question that lists them (with sizes). An image a
 * container uses is named with its containers and removed only by “Remove Anyway” (force); the
 * engine still keeps one a running container needs.
 */
export const removeImage: Command = {
  id: 'containerWorkspaces.removeImage',
  async run(deps, ...args) {
    const rt = readyRuntime(deps);
    const rows = await resourceTargets(args, (a) => (a instanceof ImageNode ? a.row : undefined), {
      title: vscode.l10n.t('Remove Images'),
      none: vscode.l10n.t('No image to remove.'),
      items: async () => {
        const inv = loadDetection().imageInventory(await rt.listImages(), await rt.listContainers({ all: true }));
        return [...inv.groups.flatMap((g) => g.rows), ...inv.dangling].map((r) => ({
          label: label(r),
          description: formatBytes(r.image.size),
          value: r,
        }));
      },
    });
    if (!rows.length) return;
    const inUse = rows.filter((r) => r.usedBy.length && !(r.image.tags.length > 1));
    const names = rows.map((r) => `${shownName(label(r))} (${formatBytes(r.image.size)})`).join(', ');
    const remove = vscode.l10n.t('Remove');
    const force = vscode.l10n.t('Remove Anyway');
    const choice = await vscode.window.showWarningMessage(
      rows.length === 1
        ? vscode.l10n.t('Remove image {0}?', shownName(label(rows[0])))
        : vscode.l10n.t('Remove {0} images?', rows.length),
      {
        modal: true,
        detail: [
          rows.length > 1 ? names : '',
          ...inUse.map((r) =>
            vscode.l10n.t(
              '{0} is used by {1}: it is kept unless you choose “Remove Anyway”.',
              shownName(label(r)),
              containerNames(r.usedBy),
            ),
          ),
        ]
          .filter(Boolean)
          .join('\n'),
      },
      ...(inUse.length < rows.length ? [remove] : []),
      ...(inUse.length ? [force] : []),
    );
    if (!choice) return;
    const failures: string[] = [];
    await vscode.window.withProgress({ location: { viewId: 'containerWorkspaces.images' } }, async () => {
      for (const r of rows) {
        const forced = choice === force;
        // "Remove" leaves the images in use alone (they were named as kept).
        if (!forced && inUse.includes(r)) continue;
        await loadDetection()
          .removeImageChecked(rt, r.image.tags.length ? r.ref : r.image.id, { force: forced })
          .catch((err: unknown) => failures.push(err instanceof Error ? err.message : String(err)));
      }
    });
    await deps.images.refresh();
    if (failures.length) void vscode.window.showErrorMessage(failures.join(' '));
  },
};
