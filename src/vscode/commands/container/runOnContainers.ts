import * as vscode from 'vscode';
import type { ContainerRuntime, ContainerSummary } from '../../../core/runtime/types';
import type { RuntimeError } from '../../../core/runtime/errors';
import type { CommandDeps } from '../types';

/**
 * Runs an action on each container with progress on the views. A container that vanished
 * meanwhile is skipped quietly; other failures are shown once, naming the containers.
 */
export async function runOnContainers(
  deps: CommandDeps,
  list: ContainerSummary[],
  o: {
    /** "Stopping", for the progress text. */
    progress: string;
    action: (rt: ContainerRuntime, c: ContainerSummary) => Promise<void>;
  },
): Promise<void> {
  const rt = deps.session.runtime;
  if (!rt || !list.length) return;
  const failures: { c: ContainerSummary; e: RuntimeError }[] = [];
  const work = async () => {
    await Promise.all(
      list.map(async (c) => {
        try {
          await o.action(rt, c);
        } catch (err) {
          const e = deps.session.reportFailure(err);
          if (e.code === 'notFound') deps.log.info(`${c.name} is gone; nothing to do.`);
          else failures.push({ c, e });
        }
      }),
    );
  };
  const title = `${o.progress} ${list.length === 1 ? list[0].name : `${list.length} containers`}…`;
  await vscode.window.withProgress({ location: { viewId: 'containerWorkspaces.containers' }, title }, () =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, work),
  );
  deps.live.store.touch(list.map((c) => c.id));
  if (failures.length) {
    const first = failures[0];
    const names = failures.map((f) => f.c.name).join(', ');
    const msg = failures.length === 1 ? `${first.c.name}: ${first.e.message}` : `${names}: ${first.e.message}`;
    void vscode.window.showErrorMessage(first.e.hint ? `${msg} ${first.e.hint}` : msg);
  }
}
