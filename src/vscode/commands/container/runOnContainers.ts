import * as vscode from 'vscode';
import type { RuntimeError } from '../../../core/runtime/errors';
import type { ContainerRuntime, ContainerSummary } from '../../../core/runtime/types';
import { restated } from '../../ui/errors';
import type { CommandDeps } from '../types';
import { ENGINE_FAN_OUT, mapLimit } from '../../../core/util/mapLimit';

/** The progress text, in the user's language: "Stopping web…", "Stopping 3 containers…". */
export interface ProgressTexts {
  one: (name: string) => string;
  many: (count: number) => string;
}

/**
 * Runs an action on each container with progress on the views. A container that vanished
 * meanwhile is skipped quietly; other failures are thrown as one error naming the containers (the
 * first one's message and hint), for the command's wrapper to show.
 */
export async function runOnContainers(
  deps: CommandDeps,
  list: ContainerSummary[],
  o: {
    progress: ProgressTexts;
    action: (rt: ContainerRuntime, c: ContainerSummary) => Promise<void>;
  },
): Promise<void> {
  const rt = deps.session.runtime;
  if (!rt || !list.length) return;
  const failures: { c: ContainerSummary; e: RuntimeError }[] = [];
  const work = async () => {
    await mapLimit(list, ENGINE_FAN_OUT, async (c) => {
      try {
        await o.action(rt, c);
      } catch (err) {
        const e = deps.session.classifyFailure(err);
        if (e.code === 'notFound') deps.log.info(`${c.name} is gone; nothing to do.`);
        else failures.push({ c, e });
      }
    });
  };
  const title = list.length === 1 ? o.progress.one(list[0].name) : o.progress.many(list.length);
  await vscode.window.withProgress({ location: { viewId: 'containerWorkspaces.containers' }, title }, () =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, work),
  );
  deps.live.store.touch(list.map((c) => c.id));
  if (failures.length) {
    const { e } = failures[0];
    const names = failures.map((f) => f.c.name).join(', ');
    throw restated(e, vscode.l10n.t('{0}: {1}', names, e.message));
  }
}
