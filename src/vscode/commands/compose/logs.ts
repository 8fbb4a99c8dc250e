import type { Command } from '../types';
import { composeTarget } from './composeTarget';
import { composeTerminal } from './composeTerminal';

/** Follows a project's or service's logs (last 200 lines first) in a terminal. */
export const composeLogs: Command = {
  id: 'containerWorkspaces.composeLogs',
  async run(deps, ...args) {
    const target = await composeTarget(deps, args, { verb: 'Logs', services: 'allowed' });
    if (target) await composeTerminal(deps, target, ['logs', '-f', '--tail=200'], { title: 'Logs' });
  },
};
