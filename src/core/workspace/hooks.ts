/**
 * The lifecycle hooks of a workspace container run at their moments (lifecycle.ts has the rules):
 * the Features' commands before the config's, through the caller's runner (a terminal in VS Code,
 * stderr in the CLI), as the remote user in the workspace folder with remoteEnv. A create or start
 * waits until the waitFor point; what comes after goes on and is reported by `rest`.
 */
import type { OrderedFeature } from '../features/order';
import { CONTAINER_HOOKS } from '../detection/types';
import { RuntimeError } from '../runtime/errors';
import { LABELS } from '../runtime/labels';
import {
  planInitialize,
  planLifecycle,
  runLifecycle,
  type HookContribution,
  type HookInputs,
  type LifecycleError,
  type LifecycleMoment,
} from './lifecycle';
import type { WorkspacePlan } from './plan';
import { resolveRemoteEnv } from './substitute';
import type { ContainerRuntime } from '../runtime/types';
import type { HookTarget, WorkspaceHookRunner, WorkspaceProgress } from './types';

export { execWithEnv } from './execEnv';

export type { HookTarget, WorkspaceHookRunner } from './types';

/** The config's hooks with the Features' contributions before them, in install order. */
export function hookInputs(plan: WorkspacePlan, ordered: readonly OrderedFeature[]): HookInputs {
  const out: HookInputs = {};
  for (const hook of CONTAINER_HOOKS) {
    const list = [
      ...ordered
        .filter((f) => f.metadata.hooks[hook] !== undefined)
        .map((f) => ({ source: `feature ${f.ref.key}` as const, command: f.metadata.hooks[hook] })),
      ...(plan.hooks[hook] ?? []),
    ];
    if (list.length) out[hook] = list;
  }
  return out;
}

/** The Features' postStart and postAttach commands, kept on the container (a label) for its later starts. */
export function laterHooksLabel(inputs: HookInputs): string {
  const keep: HookInputs = {};
  for (const hook of ['postStartCommand', 'postAttachCommand'] as const) {
    const fromFeatures = (inputs[hook] ?? []).filter((c) => c.source !== 'devcontainer.json');
    if (fromFeatures.length) keep[hook] = fromFeatures;
  }
  return JSON.stringify(keep);
}

/** A container's later hooks: the Features' from its label (as created), the config's as it is now. */
export function laterHookInputs(plan: WorkspacePlan, label: string | undefined): HookInputs {
  let kept: HookInputs = {};
  try {
    const v: unknown = label ? JSON.parse(label) : {};
    if (v && typeof v === 'object' && !Array.isArray(v)) kept = v;
  } catch {
    // A label we did not write (or edited): only the config's own hooks run.
  }
  const out: HookInputs = {};
  for (const hook of ['postStartCommand', 'postAttachCommand'] as const) {
    const given: unknown = kept[hook];
    const fromFeatures = Array.isArray(given)
      ? (given as unknown[]).filter(
          (c): c is HookContribution =>
            !!c &&
            typeof (c as HookContribution).source === 'string' &&
            (c as HookContribution).source.startsWith('feature '),
        )
      : [];
    const list = [...fromFeatures, ...(plan.hooks[hook] ?? [])];
    if (list.length) out[hook] = list;
  }
  return out;
}

/**
 * The container's environment as its processes see it (the image's ENV, containerEnv, runArgs' -e),
 * for `${containerEnv:…}` in remoteEnv: read through an exec of `cat /proc/self/environ` (NUL
 * separated, so any value survives), only when remoteEnv asks for it. When that cannot be read,
 * `known` (what we gave the container) is used.
 */
export async function liveContainerEnv(
  rt: Pick<ContainerRuntime, 'exec'>,
  id: string,
  plan: WorkspacePlan,
  known: Record<string, string>,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const asks = Object.values(plan.devcontainer?.remoteEnv ?? {}).some((v) => v?.includes('${containerEnv:'));
  if (!asks) return known;
  try {
    const r = await rt.exec(id, { cmd: ['cat', '/proc/self/environ'], signal });
    if (r.exitCode !== 0) return known;
    const out: Record<string, string> = {};
    for (const entry of r.stdout.split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    return { ...known, ...out };
  } catch {
    return known;
  }
}

/** remoteEnv as the commands get it: host variables and ${containerEnv:…} from what the container was given. */
export function remoteEnvOf(
  plan: WorkspacePlan,
  containerEnv: Record<string, string>,
  hostEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string | null> {
  const dc = plan.devcontainer;
  if (!dc?.remoteEnv) return {};
  return resolveRemoteEnv(
    dc.remoteEnv,
    { folder: plan.labels[LABELS.workspace], env: hostEnv, containerWorkspaceFolder: plan.workspaceFolder },
    containerEnv,
  );
}

export interface HookRun {
  /** Resolves when the hooks after the waitFor point are done: undefined, or the failure. */
  rest: Promise<LifecycleError | RuntimeError | undefined>;
}

/**
 * Runs a moment's hooks; resolves once the waitFor point is passed, rejects with the LifecycleError
 * of a hook that failed before it.
 */
export async function runMoment(
  moment: LifecycleMoment,
  inputs: HookInputs,
  plan: WorkspacePlan,
  runner: WorkspaceHookRunner,
  at: HookTarget,
  o: { onProgress?: (p: WorkspaceProgress) => void; signal?: AbortSignal; attach?: boolean },
): Promise<HookRun> {
  const lp = planLifecycle(moment, inputs, { waitFor: plan.waitFor, attach: o.attach });
  if (!lp.steps.length) return { rest: Promise.resolve(undefined) };
  let ready!: () => void;
  const readyReached = new Promise<void>((r) => (ready = r));
  const all = runLifecycle(lp, (argv, ctx) => runner.inContainer(argv, ctx, at), {
    onOutput: (line) => o.onProgress?.({ message: line }),
    signal: o.signal,
    onReady: ready,
  });
  all.catch(() => undefined);
  await Promise.race([readyReached, all]);
  return {
    rest: all.then(
      () => undefined,
      (err: unknown) => (err instanceof RuntimeError ? err : new RuntimeError('internal', String(err))),
    ),
  };
}

/** initializeCommand on the host, in the folder; without a host runner it is not run, and said so. */
export async function runInitialize(
  plan: WorkspacePlan,
  runner: WorkspaceHookRunner | undefined,
  folder: string,
  o: { onProgress?: (p: WorkspaceProgress) => void; signal?: AbortSignal },
): Promise<void> {
  if (plan.initialize === undefined || !runner) return;
  const lp = planInitialize(plan.initialize);
  if (!lp.steps.length) return;
  if (!runner.onHost) {
    o.onProgress?.({ message: 'initializeCommand is not run here (no host shell).' });
    return;
  }
  const onHost = runner.onHost.bind(runner);
  await runLifecycle(lp, (argv, ctx) => onHost(argv, ctx, folder), {
    onOutput: (line) => o.onProgress?.({ message: line }),
    signal: o.signal,
  });
}
