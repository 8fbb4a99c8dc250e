import * as vscode from 'vscode';
import { shownName } from '../../ui/format';
import { repoVolumeOf } from '../../../core/workspace/repoAddress';
import type { ContainerSummary } from '../../../core/runtime/types';
import type { Command, CommandDeps } from '../types';
import { loadDetection } from '../../detection/loadDetection';
import { runOnContainers } from './runOnContainers';
import { containerTargets } from './targets';
import { windowForwarding } from '../../forwarding/forwarding';

/** The repository volumes of workspaces cloned into one, each once. */
const repoVolumes = (list: ContainerSummary[]) => [...new Set(list.map(repoVolumeOf).filter((v): v is string => !!v))];

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
  // A workspace cloned into a volume: its clone is in a named volume, kept unless asked.
  const repos = repoVolumes(list);
  const volumes = repos.length
    ? [
        vscode.l10n.t(
          'Volumes are kept. “Remove with Volumes” also deletes anonymous volumes and the repository volume {0}.',
          repos.join(', '),
        ),
        vscode.l10n.t('That is the clone, with any work in it not pushed; other named volumes are never deleted.'),
      ].join(' ')
    : vscode.l10n.t(
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
  return [names && `${names}.`, stopped, volumes].filter(Boolean).join(' ');
}

/** “Remove with Volumes” on a workspace cloned into a volume: the volume goes too, unless still used. */
async function removeRepoVolumes(deps: CommandDeps, names: string[]): Promise<void> {
  const rt = deps.session.runtime;
  if (!rt || !names.length) return;
  const bg = loadDetection();
  for (const name of names) {
    const r = await bg.removeRepoVolume(rt, name).catch((err: unknown) => {
      deps.log.warn(`Repository volume ${name} not deleted: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    if (r === undefined) continue;
    if (r === 'inUse') {
      deps.log.info(`Repository volume ${name} kept: another container uses it.`);
      void vscode.window.showInformationMessage(
        vscode.l10n.t('The repository volume {0} was kept: another container still uses it.', name),
      );
    } else deps.log.info(`Repository volume ${name} ${r === 'gone' ? 'was gone already' : 'deleted'}.`);
  }
}

/**
 * Removes containers after a modal confirmation. Volumes are kept unless the user chooses to remove
 * the containers' anonymous volumes too (and a cloned workspace's repository volume); other named
 * volumes are never removed.
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
    // The repository volumes of the containers that did go (a failure elsewhere keeps none back).
    const removed: ContainerSummary[] = [];
    try {
      await runOnContainers(deps, list, {
        progress: {
          one: (name) => vscode.l10n.t('Removing {0}…', name),
          many: (count) => vscode.l10n.t('Removing {0} containers…', count),
        },
        action: async (rt, c) => {
          await rt.remove(c.id, { force: running.includes(c), volumes });
          removed.push(c);
          // A workspace container's forwarding folder goes with it.
          await windowForwarding.removed(c.labels, c.id);
        },
      });
    } finally {
      if (volumes) await removeRepoVolumes(deps, repoVolumes(removed));
    }
  },
};
