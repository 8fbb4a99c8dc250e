/**
 * Creates (or reuses) the workspace container of a folder: finds the one made before by its labels
 * and starts it, or pulls / builds the image, creates the container with the folder mounted and a
 * keep-alive command, starts it and runs postCreateCommand once; Compose sources go through
 * compose.ts. Never two containers for one folder and source; a cancelled create leaves none behind.
 */
import { relative, resolve } from 'node:path';
import { RuntimeError } from '../runtime/errors';
import { LABELS } from '../runtime/labels';
import type { ContainerRuntime, ContainerSummary, CreateContainerOptions } from '../runtime/types';
import { cancelledError, checkSignal, step } from './cancel';
import { composeUp, noComposeOnApple, type ComposeUpOptions } from './compose';
import { matchWorkspaceContainers } from './find';
import { prepareImage } from './image';
import { KEEP_ALIVE_CMD, KEEP_ALIVE_ENTRYPOINT, planWorkspace, type WorkspacePlan } from './plan';
import type { CreateWorkspaceOptions, WorkspaceContainer } from './types';

/** What a container of the folder was made from, in words. */
function madeFrom(c: ContainerSummary, folder: string): string {
  const l = c.labels;
  const cfg = l[LABELS.devcontainerConfigFile];
  if (l[LABELS.composeService] && l[LABELS.workspaceSource] !== 'devcontainer' && !cfg)
    return `Compose service ${l[LABELS.composeService]}`;
  switch (l[LABELS.workspaceSource]) {
    case 'image':
      return `image ${c.image}`;
    case 'dockerfile':
      return 'a Dockerfile';
    case 'compose':
      return `Compose service ${l[LABELS.composeService] ?? '?'}`;
  }
  return cfg ? `dev container config ${relative(folder, cfg) || cfg}` : 'a dev container config';
}

/** An existing container of the folder is this source's when it was made from the same kind (and Compose service). */
function sameSource(c: ContainerSummary, plan: WorkspacePlan): boolean {
  const kind = c.labels[LABELS.workspaceSource];
  // Containers of the Dev Containers tooling have no source label; they were matched by config file.
  if (kind === undefined ? plan.kind !== 'devcontainer' : kind !== plan.kind) return false;
  return plan.compose
    ? c.labels[LABELS.composeService] === plan.compose.service
    : c.labels[LABELS.composeService] === undefined;
}

function otherSourceConflict(c: ContainerSummary, folder: string, sourceLabel: string): RuntimeError {
  return new RuntimeError(
    'conflict',
    `This folder already has a workspace container, "${c.name}", made from ${madeFrom(c, folder)}.`,
    `Remove it (e.g. \`cws rm --force ${c.name}\`) to make one from "${sourceLabel}", ` +
      'or create it from the source it was made from.',
  );
}

function nameTaken(name: string): RuntimeError {
  return new RuntimeError(
    'conflict',
    `The name "${name}" is taken by another container.`,
    `Remove or rename that container (e.g. \`cws rm ${name}\`), then create the workspace container again.`,
  );
}

async function reuse(
  rt: ContainerRuntime,
  c: ContainerSummary,
  plan: WorkspacePlan,
  o: CreateWorkspaceOptions,
  folder: string,
): Promise<WorkspaceContainer> {
  const result = (id: string, name: string, labels: Record<string, string>): WorkspaceContainer =>
    workspaceContainer(plan, id, name, false, labels[LABELS.workspaceTarget] ?? plan.workspaceFolder);
  if (c.state === 'running') {
    o.onProgress?.({ message: `Reusing ${c.name} (running).`, increment: 100 });
    return result(c.id, c.name, c.labels);
  }
  o.onProgress?.({ message: `Starting ${c.name}…` });
  if (plan.compose && o.composeTool) {
    // Compose starts what the service depends on too; --no-recreate keeps this very container.
    const up = await composeUp(rt, plan, { ...composeUpOptions(rt, o, folder), noRecreate: true });
    o.onProgress?.({ message: `Started ${up.container.name}.`, increment: 100 });
    return result(up.container.id, up.container.name, up.container.labels);
  }
  await step(o.signal, () => (c.state === 'paused' && rt.capabilities.pause ? rt.unpause(c.id) : rt.start(c.id)));
  o.onProgress?.({ message: `Started ${c.name}.`, increment: 100 });
  return result(c.id, c.name, c.labels);
}

async function runPostCreate(plan: WorkspacePlan, o: CreateWorkspaceOptions, w: WorkspaceContainer): Promise<void> {
  if (!o.runPostCreate || !plan.postCreate.length) return;
  o.onProgress?.({ message: 'Running postCreateCommand…' });
  try {
    await o.runPostCreate(
      plan.postCreate.map((a) => [...a]),
      w.id,
      { workspaceFolder: w.workspaceFolder, ...(w.remoteUser ? { user: w.remoteUser } : {}) },
    );
  } catch (err) {
    if (err instanceof RuntimeError) throw err;
    throw new RuntimeError(
      'internal',
      `postCreateCommand failed in ${w.name}: ${String((err as Error)?.message ?? err).split('\n')[0]}`,
      `The container was created and runs; run the command again with \`cws exec ${w.name} -- …\`.`,
      { cause: err },
    );
  }
  o.onProgress?.({ message: 'postCreateCommand finished.', increment: 15 });
}

/** What createWorkspaceContainer returns: the container, and where and as whom commands run in it. */
function workspaceContainer(
  plan: WorkspacePlan,
  id: string,
  name: string,
  created: boolean,
  workspaceFolder = plan.workspaceFolder,
): WorkspaceContainer {
  return { id, name, created, workspaceFolder, ...(plan.remoteUser ? { remoteUser: plan.remoteUser } : {}) };
}

/**
 * Creates the container from an image (pulled or built first), starts it; removes it again when
 * that fails or is cancelled.
 */
async function createFromImage(
  rt: ContainerRuntime,
  plan: WorkspacePlan,
  o: CreateWorkspaceOptions,
  folder: string,
): Promise<WorkspaceContainer> {
  const image = await prepareImage(rt, plan.image!, folder, { onProgress: o.onProgress, signal: o.signal });
  checkSignal(o.signal);
  // The name may have been taken while the image was pulled or built.
  const now = await rt.listContainers({ all: true, signal: o.signal });
  if (now.some((c) => c.name === plan.name || c.names.includes(plan.name))) throw nameTaken(plan.name);
  o.onProgress?.({ message: `Creating container ${plan.name}…` });
  let id: string;
  try {
    id = await rt.createContainer(containerSpec(plan, image));
  } catch (err) {
    if (err instanceof RuntimeError && err.code === 'conflict') throw nameTaken(plan.name);
    throw err;
  }
  const discard = () => rt.remove(id, { force: true }).catch(() => undefined);
  if (o.signal?.aborted) {
    await discard();
    throw cancelledError();
  }
  o.onProgress?.({ message: `Starting ${plan.name}…`, increment: 20 });
  try {
    await rt.start(id);
  } catch (err) {
    await discard();
    if (o.signal?.aborted) throw cancelledError();
    throw startError(err, plan);
  }
  if (o.signal?.aborted) {
    await discard();
    throw cancelledError();
  }
  o.onProgress?.({ message: `Started ${plan.name}.`, increment: 20 });
  return workspaceContainer(plan, id, plan.name, true);
}

/** The container as the plan has it: our name and labels, the folder mounted, the keep-alive command. */
function containerSpec(plan: WorkspacePlan, image: string): CreateContainerOptions {
  return {
    image,
    name: plan.name,
    env: plan.env,
    labels: plan.labels,
    workingDir: plan.workspaceFolder,
    ...(plan.containerUser ? { user: plan.containerUser } : {}),
    mounts: plan.mount ? [plan.mount] : [],
    ports: plan.ports,
    ...(plan.keepAlive ? { entrypoint: KEEP_ALIVE_ENTRYPOINT, cmd: KEEP_ALIVE_CMD } : {}),
  };
}

/** A failed start, said as such; a port clash (likely when ports are forwarded) gets a hint. */
function startError(err: unknown, plan: WorkspacePlan): RuntimeError {
  const e = err instanceof RuntimeError ? err : new RuntimeError('internal', String((err as Error)?.message ?? err));
  const hint =
    e.hint ??
    (plan.ports.length && /port|bind|address/i.test(e.message)
      ? `A forwarded port (${plan.ports.map((p) => p.hostPort).join(', ')}) may be in use on this machine.`
      : undefined);
  return new RuntimeError(e.code, `Could not start the workspace container: ${e.message}`, hint, { cause: err });
}

/** Brings the Compose service up (with what it depends on) as the workspace container. */
async function createFromCompose(
  rt: ContainerRuntime,
  plan: WorkspacePlan,
  o: CreateWorkspaceOptions,
  folder: string,
): Promise<WorkspaceContainer> {
  const up = await composeUp(rt, plan, composeUpOptions(rt, o, folder));
  const made = workspaceContainer(plan, up.container.id, up.container.name, true);
  o.onProgress?.({ message: `Service ${plan.compose!.service} runs as ${made.name}.`, increment: 85 });
  return made;
}

/** composeUp against the runtime's engine, with the create's tool, environment, progress and signal. */
function composeUpOptions(rt: ContainerRuntime, o: CreateWorkspaceOptions, folder: string): ComposeUpOptions {
  return {
    folder,
    tool: o.composeTool,
    endpointUrl: o.endpointUrl ?? rt.endpoint,
    env: o.env,
    onProgress: o.onProgress,
    signal: o.signal,
  };
}

/** What the runtime cannot do with this plan: Compose on Apple Containers, some paths on Podman. */
function checkRuntimeCanRun(rt: ContainerRuntime, plan: WorkspacePlan): void {
  if (plan.compose && rt.id === 'apple') throw noComposeOnApple();
  if (rt.id === 'podman' && plan.mount) {
    // Podman takes such a path only as a bind (`source:target`), which a `:` in it would break.
    const bad = [plan.mount.source, plan.mount.target].find((p) => /[",]/.test(p) && p.includes(':'));
    if (bad !== undefined) {
      throw new RuntimeError(
        'invalidArgument',
        `Podman cannot mount a path holding both a colon and a double quote or comma: ${bad}`,
        'Rename the folder (or set workspaceMount / workspaceFolder to paths without them), or use Docker.',
      );
    }
  }
}

/**
 * Creates the folder's workspace container from the source, or reuses (and starts) the one made
 * before.
 */
export async function createWorkspaceContainer(
  rt: ContainerRuntime,
  o: CreateWorkspaceOptions,
): Promise<WorkspaceContainer> {
  const folder = resolve(o.folder);
  const plan = planWorkspace(folder, o.source, { runtime: rt.id, env: o.env, labels: o.labels });
  checkRuntimeCanRun(rt, plan);
  checkSignal(o.signal);
  o.onProgress?.({ message: "Looking for the folder's workspace container…" });
  const list = await step(o.signal, () => rt.listContainers({ all: true, signal: o.signal }));
  const existing = matchWorkspaceContainers(list, folder, plan.configFile);
  if (existing.length) {
    const mine = existing.find((c) => sameSource(c, plan));
    if (!mine) throw otherSourceConflict(existing[0], folder, o.source.label);
    return reuse(rt, mine, plan, o, folder);
  }

  let made: WorkspaceContainer;
  if (plan.compose) {
    made = await createFromCompose(rt, plan, o, folder);
  } else {
    const holder = list.find((c) => c.name === plan.name || c.names.includes(plan.name));
    if (holder) {
      // Ours for this folder but from another config: say which; anyone else's: the name is taken.
      if (matchWorkspaceContainers([holder], folder).length) throw otherSourceConflict(holder, folder, o.source.label);
      throw nameTaken(plan.name);
    }
    made = await createFromImage(rt, plan, o, folder);
  }
  await runPostCreate(plan, o, made);
  return made;
}
