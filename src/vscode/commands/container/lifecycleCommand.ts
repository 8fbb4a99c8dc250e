import type { ContainerRuntime, ContainerState, ContainerSummary } from '../../../core/runtime/types';
import type { Command } from '../types';
import { runOnContainers } from './runOnContainers';
import { containerTargets } from './targets';

/** A command that does one runtime action to the selected (or picked) containers it applies to. */
export function lifecycleCommand(o: {
  id: string;
  /** "Stop": the quick pick's title. */
  verb: string;
  /** "Stopping": the progress text. */
  progress: string;
  states: readonly ContainerState[];
  action: (rt: ContainerRuntime, c: ContainerSummary) => Promise<void>;
}): Command {
  return {
    id: o.id,
    async run(deps, ...args) {
      const list = await containerTargets(deps, args, { verb: o.verb, states: o.states, many: true });
      await runOnContainers(deps, list, { progress: o.progress, action: o.action });
    },
  };
}
