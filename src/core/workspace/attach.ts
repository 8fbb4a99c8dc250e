/**
 * What a tool that attaches to a workspace container (a shell, a tunnel, a task) runs with: the dev
 * container config's remoteEnv (resolved against the container's own environment and this machine's)
 * and remoteUser, and, for a shell or a tunnel, its postAttachCommand (the Features', kept on the
 * container's label, then the config's), run through the caller's hook runner without holding the
 * caller up.
 */
import type { DevcontainerConfig } from '../detection/types';
import { RuntimeError } from '../runtime/errors';
import { LABELS } from '../runtime/labels';
import type { ContainerRuntime, ContainerSummary } from '../runtime/types';
import { laterHookInputs, liveContainerEnv, remoteEnvOf, runMoment } from './hooks';
import type { LifecycleError } from './lifecycle';
import { planWorkspace } from './plan';
import type { WorkspaceHookRunner } from './types';

export interface AttachOptions {
  /** The folder on this machine the container is for. */
  folder: string;
  devcontainer: DevcontainerConfig;
  /** Where in the container the tool starts (default: the config's workspace folder). */
  workspaceFolder?: string;
  /** For `${localEnv:…}` (default process.env). Never logged. */
  hostEnv?: NodeJS.ProcessEnv;
  /** Runs postAttachCommand; omit it to run none (a task, an untrusted folder). */
  hooks?: WorkspaceHookRunner;
  signal?: AbortSignal;
}

export interface Attachment {
  /** remoteEnv, resolved (null: unset for the tool). */
  env: Record<string, string | null>;
  /** remoteUser, when the config names one. */
  user?: string;
  /** Resolves when postAttachCommand is done: undefined, or its failure. */
  hooksDone: Promise<LifecycleError | RuntimeError | undefined>;
}

export async function attachToWorkspaceContainer(
  rt: ContainerRuntime,
  container: Pick<ContainerSummary, 'id' | 'name' | 'labels'>,
  o: AttachOptions,
): Promise<Attachment> {
  const plan = planWorkspace(
    o.folder,
    { kind: 'devcontainer', label: '', devcontainer: o.devcontainer },
    { runtime: rt.id, env: o.hostEnv ?? process.env },
  );
  const live = await liveContainerEnv(rt, container.id, plan, {}, o.signal);
  const env = remoteEnvOf(plan, live, o.hostEnv ?? process.env);
  const user = plan.remoteUser;
  const done: Attachment['hooksDone'] = Promise.resolve(undefined);
  if (!o.hooks) return { env, ...(user ? { user } : {}), hooksDone: done };
  const postAttach = laterHookInputs(plan, container.labels[LABELS.featureHooks]).postAttachCommand;
  if (!postAttach?.length) return { env, ...(user ? { user } : {}), hooksDone: done };
  const run = await runMoment(
    'attach',
    { postAttachCommand: postAttach },
    // postAttach never holds the tool up: there is no waitFor point after it.
    { ...plan, waitFor: 'onCreateCommand' },
    o.hooks,
    {
      containerId: container.id,
      containerName: container.name,
      workspaceFolder: o.workspaceFolder ?? plan.workspaceFolder,
      ...(user ? { user } : {}),
      env,
    },
    { signal: o.signal },
  );
  return { env, ...(user ? { user } : {}), hooksDone: run.rest };
}
