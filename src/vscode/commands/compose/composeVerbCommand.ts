import type { Command } from '../types';
import { composeTarget } from './composeTarget';
import { runComposeVerb, type ComposeVerbTexts } from './runComposeVerb';

/** A command that runs one Compose verb on the project or service it is invoked on. */
export function composeVerbCommand(o: {
  id: string;
  /** "Up": for the log, in English. */
  title: string;
  args: string[];
  /** Its texts, in the user's language: the pick's title ("Compose Up"), the progress and the failure. */
  texts: () => ComposeVerbTexts & { pick: string };
}): Command {
  return {
    id: o.id,
    async run(deps, ...args) {
      const texts = o.texts();
      const target = await composeTarget(deps, args, { title: texts.pick, services: 'allowed' });
      if (target) return runComposeVerb(deps, target, { title: o.title, args: o.args, texts });
      return undefined;
    },
  };
}
