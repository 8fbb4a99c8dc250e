import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { ContainerRuntime } from '../../../core/runtime/types';
import { loadDetection } from '../../detection/loadDetection';
import type { CommandDeps } from '../types';
import type { ExecTarget } from './execTarget';
import { hookRunner } from './hookRunner';
import { LABELS } from '../../../core/runtime/labels';
import { windowForwarding } from '../../forwarding/forwarding';

/**
 * The dev container config's remoteEnv for a tool that runs in the target (resolved against the
 * container's own environment), and, for a shell or a tunnel (`postAttach`), its postAttachCommand
 * in terminals of their own — without waiting for them; nothing in an untrusted folder. A container not made
 * from a dev container config gets nothing; what cannot be worked out is logged, never in the way.
 * Before it: the container's forwarding (git identity and credentials, SSH and GPG agents) is served.
 */
export async function attachEnv(
  deps: CommandDeps,
  rt: ContainerRuntime,
  t: ExecTarget,
  o: { postAttach: boolean },
): Promise<Record<string, string | null>> {
  // What the container borrows from this machine is served first (nothing in an untrusted folder).
  if (t.folder)
    await windowForwarding.attach(deps.log, {
      rt,
      container: t.container,
      workspaceFolder: t.workingDir ?? t.container.labels[LABELS.workspaceTarget] ?? '/',
      folder: t.folder,
      ...(t.user ? { user: t.user } : {}),
    });
  // An untrusted folder's config is not read into the tool at all (its remoteEnv can name this
  // machine's variables, `${localEnv:…}`).
  if (!t.devcontainer || !t.folder || !vscode.workspace.isTrusted) return {};
  const folder = t.folder;
  try {
    const a = await loadDetection().attachToWorkspaceContainer(rt, t.container, {
      folder,
      devcontainer: t.devcontainer,
      ...(t.workingDir ? { workspaceFolder: t.workingDir } : {}),
      hooks: o.postAttach ? hookRunner(deps, { name: basename(folder), path: folder }, rt) : undefined,
      // A stuck engine must not keep the shell from opening.
      signal: AbortSignal.timeout(10_000),
    });
    void a.hooksDone.then((err) => {
      if (!err) return;
      deps.log.warn(err.message);
      void vscode.window.showWarningMessage(err.message);
    });
    return a.env;
  } catch (err) {
    deps.log.warn(`remoteEnv and postAttachCommand of ${t.container.name}: ${(err as Error)?.message ?? String(err)}`);
    return {};
  }
}
