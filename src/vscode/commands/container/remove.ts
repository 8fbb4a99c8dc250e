import * as vscode from 'vscode';
import { shownName } from '../../ui/format';
import { LABELS } from '../../../core/runtime/labels';
import type { ContainerSummary } from '../../../core/runtime/types';
import type { Command } from '../types';
import { runOnContainers } from './runOnContainers';
import { containerTargets } from './targets';
import { windowForwarding } from '../../forwarding/forwarding';

const isRunning = (c: ContainerSummary) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting';

/** The confirmation's detail: which of them run (and will be stopped), and what becomes of volumes. */
function confirmationDetail(list: ContainerSummary[], running: ContainerSummary[]): string {
  const stopped =
    running.length === 0
      ? ''
      : running.length === list.length && list.length === 1
        ? vscode.l10n.t('It is running and will be stopped.')
        : running.length === 1
          ? vscode.l10n.t('1 is running and will be stopped.')
          : vscode.l10n.t('{0} are running and will be stopped.', running.length);
  const volumes = vscode.l10n.t(
    'Volumes are kept. “Remove with Volumes” also deletes anonymous volumes; named volumes are never deleted.',
  );
  // Several: which ones, so the question previews what goes.
  const names =
    list.length > 1
      ? list
          .slice(0, 10)
          .map((c) => shownName(c.name))
          .join(', ') + (list.length > 10 ? ` ${vscode.l10n.t('and {0} more', list.length - 10)}` : '')
      : '';
  // A workspace cloned into a volume: its clone is in a named volume, which stays.
  const repos = list.map((c) => c.labels[LABELS.repoVolume]).filter((v): v is string => !!v);
  const kept = repos.length
    ? vscode.l10n.t('The repository volume {0} is kept, with the clone in it.', repos.join(', '))
    : '';
  return [names && `${names}.`, stopped, volumes, kept].filter(Boolean).join(' ');
}

/**
 * Removes containers after a modal confirmation. Volumes are kept unless the user chooses to remove
 * the containers' anonymous volumes too; named volumes are never removed.
 */
export const removeContainer: Command = {
  id: 'containerWorkspaces.removeContainer',
  async run(deps, ...args) {
    const texts = { title: vscode.l10n.t('Remove Containers'), none: vscode.l10n.t('No container to remove.') };
    const list = await containerTargets(deps, args, { texts, many: true });
    if (!list.length) return;
    const running = list.filter(isRunning);
    const remove = vscode.l10n.t('Remove');
    const withVolumes = vscode.l10n.t('Remove with Volumes');
    const choice = await vscode.window.showWarningMessage(
      list.length === 1
        ? vscode.l10n.t('Remove container “{0}”?', shownName(list[0].name))
        : vscode.l10n.t('Remove {0} containers?', list.length),
      { modal: true, detail: confirmationDetail(list, running) },
      remove,
      withVolumes,
    );
    if (!choice) return;
    const volumes = choice === withVolumes;
    await runOnContainers(deps, list, {
      progress: {
        one: (name) => vscode.l10n.t('Removing {0}…', name),
        many: (count) => vscode.l10n.t('Removing {0} containers…', count),
      },
      action: async (rt, c) => {
        await rt.remove(c.id, { force: running.includes(c), volumes });
        // A workspace container's forwarding folder goes with it.
        await windowForwarding.removed(c.labels, c.id);
      },
    });
  },
};
