import * as vscode from 'vscode';
import type { PruneItem, PruneKind } from '../../../core/inventory/prune';
import { loadDetection } from '../../detection/loadDetection';
import { formatBytes } from '../../../core/text/bytes';
import { shownName } from '../../ui/format';
import type { Command } from '../types';
import { readyRuntime } from './targets';

interface KindPick extends vscode.QuickPickItem {
  prune: PruneKind;
  all?: boolean;
}

function kindPicks(): KindPick[] {
  return [
    { label: vscode.l10n.t('Stopped containers'), prune: 'containers', picked: true },
    {
      label: vscode.l10n.t('Dangling images'),
      description: vscode.l10n.t('untagged, unused'),
      prune: 'images',
      picked: true,
    },
    {
      label: vscode.l10n.t('All unused images'),
      description: vscode.l10n.t('tagged ones too'),
      prune: 'images',
      all: true,
    },
    { label: vscode.l10n.t('Unused anonymous volumes'), prune: 'volumes', picked: true },
    {
      label: vscode.l10n.t('All unused volumes'),
      description: vscode.l10n.t('named ones too: their data goes'),
      prune: 'volumes',
      all: true,
    },
    { label: vscode.l10n.t('Unused networks'), prune: 'networks', picked: true },
  ];
}

const KIND_WORD = (k: PruneKind) =>
  ({
    containers: vscode.l10n.t('container'),
    images: vscode.l10n.t('image'),
    volumes: vscode.l10n.t('volume'),
    networks: vscode.l10n.t('network'),
  })[k];

/** "image debian:old (120.5MiB)", one per line, the first 20. */
function listed(items: PruneItem[]): string {
  const lines = items
    .slice(0, 20)
    .map((i) => `${KIND_WORD(i.kind)} ${shownName(i.name)}${i.bytes ? ` (${formatBytes(i.bytes)})` : ''}`);
  if (items.length > 20) lines.push(vscode.l10n.t('and {0} more', items.length - 20));
  return lines.join('\n');
}

/**
 * Prune: the kinds picked, then a modal question listing exactly what goes and the space it frees;
 * only those are removed (with progress and Cancel), and what was kept after all is said.
 */
export const prune: Command = {
  id: 'containerWorkspaces.prune',
  async run(deps) {
    const rt = readyRuntime(deps);
    const picked = await vscode.window.showQuickPick(kindPicks(), {
      title: vscode.l10n.t('Prune'),
      placeHolder: vscode.l10n.t('What to remove (you see the list before anything goes)'),
      canPickMany: true,
    });
    if (!picked?.length) return;
    const kinds = [...new Set(picked.map((p) => p.prune))];
    const plan = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Looking for what to prune…') },
      () =>
        loadDetection().prunePlan(rt, {
          kinds,
          allImages: picked.some((p) => p.prune === 'images' && p.all),
          allVolumes: picked.some((p) => p.prune === 'volumes' && p.all),
        }),
    );
    if (!plan.items.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to prune.'));
      return;
    }
    const freed = plan.sizesUnknown ? vscode.l10n.t('at least {0}', formatBytes(plan.bytes)) : formatBytes(plan.bytes);
    const go = vscode.l10n.t('Prune');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Remove these {0} items? {1} is freed.', plan.items.length, freed),
      { modal: true, detail: listed(plan.items) },
      go,
    );
    if (choice !== go) return;
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Pruning'), cancellable: true },
      async (progress, token) => {
        const ctl = new AbortController();
        const sub = token.onCancellationRequested(() => ctl.abort());
        try {
          return await loadDetection().executePrune(rt, plan, {
            signal: ctl.signal,
            onItem: (i, _done, total) =>
              progress.report({ message: `${KIND_WORD(i.kind)} ${i.name}`, increment: 100 / total }),
          });
        } finally {
          sub.dispose();
        }
      },
    );
    for (const k of r.kept) deps.log.warn(`Prune kept ${k.item.kind} ${k.item.name}: ${k.reason}`);
    const bytes = formatBytes(r.removed.reduce((s, i) => s + (i.bytes ?? 0), 0));
    const text = r.kept.length
      ? vscode.l10n.t('Removed {0}, freed {1}; {2} kept (see the log).', r.removed.length, bytes, r.kept.length)
      : vscode.l10n.t('Removed {0}, freed {1}.', r.removed.length, bytes);
    void vscode.window.showInformationMessage(text);
    await Promise.all([deps.images.refresh(), deps.volumes.refresh(), deps.networks.refresh()]);
  },
};
