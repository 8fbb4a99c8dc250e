import type { ContainerRuntime, ContainerState, ContainerSummary } from '../../../core/runtime/types';
import type { Command } from '../types';
import { runOnContainers, type ProgressTexts } from './runOnContainers';
import { containerTargets, type TargetTexts } from './targets';

/** A command that does one runtime action to the selected (or picked) containers it applies to. */
export function lifecycleCommand(o: {
  id: string;
  states: readonly ContainerState[];
  action: (rt: ContainerRuntime, c: ContainerSummary) => Promise<void>;
  /** Its texts (asked for when it runs, in the user's language): the pick's and the progress's. */
  texts: () => TargetTexts & ProgressTexts;
}): Command {
  return {
    id: o.id,
    async run(deps, ...args) {
      const texts = o.texts();
      const list = await containerTargets(deps, args, { texts, states: o.states, many: true });
      await runOnContainers(deps, list, { progress: texts, action: o.action });
    },
  };
}
