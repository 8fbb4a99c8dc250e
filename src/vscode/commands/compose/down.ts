import * as vscode from 'vscode';
import type { Command } from '../types';
import { composeTarget } from './composeTarget';
import { runComposeVerb } from './runComposeVerb';

const DOWN = 'Down';
const WITH_VOLUMES = 'Down and Remove Volumes';

/** `down` for a whole project, after a modal confirmation; volumes are kept unless asked. */
export const composeDown: Command = {
  id: 'containerWorkspaces.composeDown',
  async run(deps, ...args) {
    const target = await composeTarget(deps, args, { verb: 'Down', services: 'none' });
    if (!target) return undefined;
    const choice = await vscode.window.showWarningMessage(
      `Take Compose project “${target.project.name}” down?`,
      {
        modal: true,
        detail:
          'Its containers and networks are removed. Volumes are kept unless you choose “Down and Remove Volumes”.',
      },
      DOWN,
      WITH_VOLUMES,
    );
    if (!choice) return undefined;
    return runComposeVerb(deps, target, {
      title: 'Down',
      args: choice === WITH_VOLUMES ? ['down', '--volumes'] : ['down'],
    });
  },
};
