import type { Command } from '../types';
import { composeTarget } from './composeTarget';
import { composeTerminal } from './composeTerminal';

/** A fixed script (no user text in it): bash when the image has it, else sh. */
const SHELL = ['sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi'];

/** Opens a shell in a service's (first) container, in a terminal. */
export const composeExec: Command = {
  id: 'containerWorkspaces.composeExec',
  async run(deps, ...args) {
    const target = await composeTarget(deps, args, { verb: 'Open Shell', services: 'required' });
    if (target) await composeTerminal(deps, target, ['exec'], { title: 'Shell', trailing: SHELL });
  },
};
