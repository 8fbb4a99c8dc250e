import type { Command } from '../types';
import { composeTarget } from './composeTarget';
import { runComposeVerb } from './runComposeVerb';

/** A command that runs one Compose verb on the project or service it is invoked on. */
export function composeVerbCommand(o: { id: string; title: string; args: string[] }): Command {
  return {
    id: o.id,
    async run(deps, ...args) {
      const target = await composeTarget(deps, args, { verb: o.title, services: 'allowed' });
      if (target) return runComposeVerb(deps, target, { title: o.title, args: o.args });
      return undefined;
    },
  };
}
