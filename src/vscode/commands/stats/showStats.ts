import type { Command } from '../types';
import { fromArg } from '../container/targets';

/** Opens the Container Stats panel; from a container's menu, with that container selected. */
export const showStats: Command = {
  id: 'containerWorkspaces.showStats',
  run(deps, node) {
    return deps.stats.show(fromArg(node)?.id);
  },
};
