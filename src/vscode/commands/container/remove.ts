import * as vscode from 'vscode';
import type { Command } from '../types';
import { runOnContainers } from './runOnContainers';
import { containerTargets } from './targets';

const REMOVE = 'Remove';
const WITH_VOLUMES = 'Remove with Volumes';

/**
 * Removes containers after a modal confirmation. Volumes are kept unless the user chooses to remove
 * the containers' anonymous volumes too; named volumes are never removed.
 */
export const removeContainer: Command = {
  id: 'containerWorkspaces.removeContainer',
  async run(deps, ...args) {
    const list = await containerTargets(deps, args, { verb: 'Remove', many: true });
    if (!list.length) return;
    const running = list.filter((c) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting');
    const what = list.length === 1 ? `container “${list[0].name}”` : `${list.length} containers`;
    const detail = [
      running.length
        ? `${running.length === list.length && list.length === 1 ? 'It is' : `${running.length} ${running.length === 1 ? 'is' : 'are'}`} running and will be stopped.`
        : '',
      'Volumes are kept. “Remove with Volumes” also deletes anonymous volumes; named volumes are never deleted.',
    ]
      .filter(Boolean)
      .join(' ');
    const choice = await vscode.window.showWarningMessage(
      `Remove ${what}?`,
      { modal: true, detail },
      REMOVE,
      WITH_VOLUMES,
    );
    if (!choice) return;
    const volumes = choice === WITH_VOLUMES;
    await runOnContainers(deps, list, {
      progress: 'Removing',
      action: (rt, c) => rt.remove(c.id, { force: running.includes(c), volumes }),
    });
  },
};
