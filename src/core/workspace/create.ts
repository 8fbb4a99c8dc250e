/**
 * Creates (or reuses) the workspace container of a folder: finds the one made before by its labels
 * and starts it, or pulls / builds the image, creates the container with the folder mounted and a
 * keep-alive command (the Features installed first, on an image layered on the base), starts it and
 * runs the lifecycle hooks at their moments; Compose sources go through compose.ts. Never two
 * containers for one folder and source; a cancelled create leaves none behind.
 */
import { relative, resolve } from 'node:path';
import { RuntimeError } from '../runtime/errors';
import { LABELS } from '../runtime/labels';
import { unsupportedOnApple } from '../runtime/apple/appleRuntime';
import type {
  ContainerHostOptions,
  ContainerRuntime,
  ContainerSummary,
  CreateContainerOptions,
  MountSpec,
} from '../runtime/types';
import { cancelledError, checkSignal, step } from './cancel';
import { composeUp, noComposeOnApple, serviceContainers, type ComposeUpOptions } from './compose';
import { configHash } from './configHash';
import { prepareFeatureImage, type FeatureImage } from './featureImage';
import { forwardAtCreate, releaseForwarding, reportForwarding, startForwarding, withForwarding } from './forwarding';
import { matchWorkspaceContainers } from './find';
import {
  hookInputs,
  laterHookInputs,
  laterHooksLabel,
  liveContainerEnv,
  remoteEnvOf,
  runInitialize,
  runMoment,
  type HookRun,
} from './hooks';
import { hostRequirementWarnings, machineFigures } from './hostRequirements';
import { prepareImage } from './image';
import { hostIdsOf, prepareUidImage } from './remoteUid';
import type { HookInputs, LifecycleMoment } from './lifecycle';
import { parseMount } from './mounts';
import { KEEP_ALIVE_CMD, KEEP_ALIVE_ENTRYPOINT, KEEP_ALIVE_SCRIPT, planWorkspace, type WorkspacePlan } from './plan';
import { devcontainerIdFor } from './substitute';
import { parseForwardLabel as parseForward } from '../forwarding/forwardDir';
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
  const outOfDate =
    plan.devcontainer !== undefined &&
    c.labels[LABELS.configHash] !== undefined &&
    c.labels[LABELS.configHash] !== configHash(plan.devcontainer);
  const result = (id: string, name: string, labels: Record<string, string>): WorkspaceContainer => ({
    ...workspaceContainer(plan, id, name, false, labels[LABELS.workspaceTarget] ?? plan.workspaceFolder),
    ...(outOfDate ? { outOfDate: true } : {}),
  });
  if (outOfDate)
    o.onProgress?.({
      message: `${c.name} was made from an earlier version of the config: rebuild it to apply the change.`,
    });
  if (c.state === 'running') {
    o.onProgress?.({ message: `Reusing ${c.name} (running).`, increment: 100 });
    const running = result(c.id, c.name, c.labels);
    await forwardNow(rt, running, c.labels, o, folder, false);
    return running;
  }
  o.onProgress?.({ message: `Starting ${c.name}…` });
  let made: WorkspaceContainer;
  if (plan.compose && o.composeTool) {
    // Compose starts what the service depends on too; --no-recreate keeps this very container.
    const up = await composeUp(rt, plan, { ...composeUpOptions(rt, o, folder), noRecreate: true });
    made = result(up.container.id, up.container.name, up.container.labels);
  } else {
    await step(o.signal, () => (c.state === 'paused' && rt.capabilities.pause ? rt.unpause(c.id) : rt.start(c.id)));
    made = result(c.id, c.name, c.labels);
  }
  o.onProgress?.({ message: `Started ${made.name}.`, increment: 100 });
  await forwardNow(rt, made, c.labels, o, folder, c.state !== 'paused');
  // A paused container was not stopped: unpausing it is no start.
  if (c.state === 'paused') return made;
  return withHooks(rt, 'start', laterHookInputs(plan, c.labels[LABELS.featureHooks]), plan, o, made, {});
}

/**
 * Serves what the container borrows from this machine and (after a start) sets the container up
 * again, before any hook runs; a container made before forwarding existed is said to need a rebuild.
 */
async function forwardNow(
  rt: ContainerRuntime,
  w: WorkspaceContainer,
  labels: Record<string, string>,
  o: CreateWorkspaceOptions,
  folder: string,
  configure: boolean,
): Promise<void> {
  const f = o.forwarding;
  if (!f) return;
  if (!labels[LABELS.forward]) {
    if (Object.values(f.choice).some(Boolean))
      o.onProgress?.({
        message: `Note: ${w.name} was made before git and SSH credentials were forwarded: rebuild it to have them.`,
      });
    return;
  }
  try {
    const r = await startForwarding(
      rt,
      { id: w.id, labels, workspaceFolder: w.workspaceFolder, folder, ...(w.remoteUser ? { user: w.remoteUser } : {}) },
      f,
      { configure, signal: o.signal },
    );
    reportForwarding(r, parseForward(labels[LABELS.forward]), o.onProgress);
  } catch (err) {
    // The container works without it: said, never in the way.
    if (o.signal?.aborted) throw cancelledError();
    o.onProgress?.({
      message: `Note: forwarding to ${w.name} could not start: ${(err as Error)?.message ?? String(err)}`,
    });
  }
}

/**
 * Runs the moment's hooks (when the caller gave a runner) and returns the container with what runs on
 * after the waitFor point. A create whose hooks fail before that point removes the container: a
 * container whose onCreateCommand failed would otherwise be reused without it ever running again.
 */
async function withHooks(
  rt: ContainerRuntime,
  moment: LifecycleMoment,
  inputs: HookInputs,
  plan: WorkspacePlan,
  o: CreateWorkspaceOptions,
  w: WorkspaceContainer,
  containerEnv: Record<string, string>,
): Promise<WorkspaceContainer> {
  if (!o.hooks) return w;
  let run: HookRun;
  try {
    const env = await liveContainerEnv(rt, w.id, plan, containerEnv, o.signal);
    run = await runMoment(
      moment,
      inputs,
      plan,
      o.hooks,
      {
        containerId: w.id,
        containerName: w.name,
        workspaceFolder: w.workspaceFolder,
        ...(w.remoteUser ? { user: w.remoteUser } : {}),
        env: remoteEnvOf(plan, env, o.env),
      },
      { onProgress: o.onProgress, signal: o.signal },
    );
  } catch (err) {
    if (moment === 'create' && !plan.compose) {
      await rt.remove(w.id, { force: true }).catch(() => undefined);
      if (err instanceof RuntimeError && err.code !== 'cancelled')
        throw new RuntimeError(err.code, err.message, `${err.hint ?? ''} The container was removed.`.trim(), {
          cause: err,
        });
    }
    throw err;
  }
  return { ...w, hooksDone: run.rest };
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
  const base = await prepareImage(rt, plan.image!, folder, {
    onProgress: o.onProgress,
    signal: o.signal,
    warn: (w) => warn(o, plan, w),
  });
  checkSignal(o.signal);
  const features = plan.devcontainer
    ? await prepareFeatureImage(rt, plan.devcontainer, base, {
        folder,
        onProgress: o.onProgress,
        signal: o.signal,
        ...(o.credentials ? { credentials: o.credentials } : {}),
        ...(o.insecureHosts ? { insecureHosts: o.insecureHosts } : {}),
        ...(o.registryTimeoutMs ? { registryTimeoutMs: o.registryTimeoutMs } : {}),
        ...(o.env ? { env: o.env } : {}),
      })
    : undefined;
  features?.warnings.forEach((w) => warn(o, plan, w));
  const image = plan.devcontainer
    ? await prepareUidImage(rt, plan.devcontainer, features?.image ?? base, {
        host: o.hostIds === undefined ? hostIdsOf() : (o.hostIds ?? undefined),
        ...(plan.containerUser ? { runArgsUser: plan.containerUser } : {}),
        folder,
        onProgress: o.onProgress,
        signal: o.signal,
      })
    : base;
  const inputs = hookInputs(plan, features?.ordered ?? []);
  checkSignal(o.signal);
  // The name may have been taken while the image was pulled or built.
  const now = await rt.listContainers({ all: true, signal: o.signal });
  if (now.some((c) => c.name === plan.name || c.names.includes(plan.name))) throw nameTaken(plan.name);
  const fw = o.forwarding ? await forwardAtCreate(rt, o.forwarding, (w) => warn(o, plan, w)) : undefined;
  const dropForward = () => (fw ? releaseForwarding(fw.labels, o.forwarding?.servers, o.forwarding?.env) : undefined);
  o.onProgress?.({ message: `Creating container ${plan.name}…` });
  let id: string;
  try {
    id = await rt.createContainer(withForwarding(containerSpec(rt.id, plan, image, features, inputs, o), fw));
  } catch (err) {
    await dropForward();
    if (err instanceof RuntimeError && err.code === 'conflict') throw nameTaken(plan.name);
    throw err;
  }
  const discard = async () => {
    await rt.remove(id, { force: true }).catch(() => undefined);
    await dropForward();
  };
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
  const made = workspaceContainer(plan, id, plan.name, true);
  await giveClone(rt, plan, made, o);
  await forwardNow(rt, made, fw ? fw.labels : {}, { ...o, forwarding: fw ? o.forwarding : undefined }, folder, true);
  try {
    return await withHooks(rt, 'create', inputs, plan, o, made, {
      ...(features?.merged.containerEnv ?? {}),
      ...plan.env,
    });
  } catch (err) {
    // The hooks failed before waitFor: withHooks removed the container.
    await dropForward();
    throw err;
  }
}

/** The config's hostRequirements this machine does not meet (or that cannot be checked), as warnings. */
async function warnHostRequirements(plan: WorkspacePlan, o: CreateWorkspaceOptions, folder: string): Promise<void> {
  const req = plan.devcontainer?.hostRequirements;
  if (!req || !Object.keys(req).length) return;
  for (const w of hostRequirementWarnings(req, await machineFigures(folder))) warn(o, plan, w);
}

/** A warning about the config, said once through progress and kept for the caller. */
function warn(o: CreateWorkspaceOptions, plan: WorkspacePlan, message: string): void {
  plan.warnings.push(message);
  o.onProgress?.({ message: `Warning: ${message}` });
}

/** The Features' mounts (variables substituted); the config's own mount on the same target wins. */
function featureMounts(
  plan: WorkspacePlan,
  features: FeatureImage | undefined,
  o: CreateWorkspaceOptions,
): MountSpec[] {
  if (!features?.ordered.length) return [];
  const folder = plan.labels[LABELS.workspace];
  const sub = {
    folder,
    env: o.env ?? process.env,
    containerWorkspaceFolder: plan.workspaceFolder,
    ...(plan.configFile ? { devcontainerId: devcontainerIdFor(folder, plan.configFile) } : {}),
  };
  const taken = new Set([...plan.mounts.map((m) => m.target), ...(plan.mount ? [plan.mount.target] : [])]);
  const out: MountSpec[] = [];
  for (const f of features.ordered)
    for (const entry of f.metadata.mounts) {
      const m = parseMount(entry, sub);
      m.warnings.forEach((w) => warn(o, plan, `Feature "${f.ref.key}": ${w}`));
      if (m.mount && !taken.has(m.mount.target)) {
        taken.add(m.mount.target);
        out.push(m.mount);
      }
      if (m.tmpfs) plan.host.tmpfs = { ...(plan.host.tmpfs ?? {}), [m.tmpfs.target]: m.tmpfs.options };
    }
  return out;
}

/**
 * A repository cloned just now belongs to root (the helper cloned it): given to the remote user
 * before any hook runs, so they can work in it.
 */
async function giveClone(
  rt: ContainerRuntime,
  plan: WorkspacePlan,
  w: WorkspaceContainer,
  o: CreateWorkspaceOptions,
): Promise<void> {
  const user = w.remoteUser ?? plan.containerUser;
  if (!plan.volume?.fresh || !user || user === 'root' || user === '0') return;
  const r = await rt
    .exec(w.id, { cmd: ['chown', '-R', `${user}:`, '--', plan.volume.path], user: '0', signal: o.signal })
    .catch((err: Error) => ({ exitCode: -1, stderr: err.message }));
  if (r.exitCode !== 0)
    o.onProgress?.({ message: `Note: the clone could not be given to ${user} (chown: exit code ${r.exitCode}).` });
}

/**
 * The keep-alive command with the Features' entrypoints run first, each as its Feature wrote it
 * (`sh -c` of the value, passed as an argument: no text of ours is built from it).
 */
function keepAliveWith(entrypoints: readonly string[]): Pick<CreateContainerOptions, 'entrypoint' | 'cmd'> {
  if (!entrypoints.length) return { entrypoint: KEEP_ALIVE_ENTRYPOINT, cmd: KEEP_ALIVE_CMD };
  const script = `for ep in "$@"; do /bin/sh -c "$ep"; done; ${KEEP_ALIVE_SCRIPT}`;
  return { entrypoint: KEEP_ALIVE_ENTRYPOINT, cmd: ['-c', script, 'cws-entrypoints', ...entrypoints] };
}

/**
 * The container as the plan has it: our name and labels, the folder and the other mounts, the
 * keep-alive command (with the Features' entrypoints), and what the config and Features ask of the
 * engine (capAdd, securityOpt, privileged, init, runArgs).
 */
function containerSpec(
  runtime: ContainerRuntime['id'],
  plan: WorkspacePlan,
  image: string,
  features: FeatureImage | undefined,
  inputs: HookInputs,
  o: CreateWorkspaceOptions,
): CreateContainerOptions {
  const m = features?.merged;
  const configAsks = unsupportedOnApple(plan.host);
  // Before the host options are copied: a Feature's tmpfs mount is a HostConfig.Tmpfs entry.
  const mounts = [...(plan.mount ? [plan.mount] : []), ...plan.mounts, ...featureMounts(plan, features, o)];
  const host = { ...plan.host };
  if (m?.capAdd.length) host.capAdd = [...new Set([...(host.capAdd ?? []), ...m.capAdd])];
  if (m?.securityOpt.length) host.securityOpt = [...new Set([...(host.securityOpt ?? []), ...m.securityOpt])];
  if (m?.privileged) host.privileged = true;
  if (m?.init) host.init = true;
  if (runtime === 'apple') leaveOutOnApple(host, configAsks, features, plan, o);
  const labels = { ...plan.labels };
  if (plan.devcontainer) {
    labels[LABELS.configHash] = configHash(plan.devcontainer);
    const later = laterHooksLabel(inputs);
    if (later !== '{}') labels[LABELS.featureHooks] = later;
  }
  const entrypoints = m?.entrypoints ?? [];
  if (entrypoints.length && !plan.keepAlive)
    warn(o, plan, `overrideCommand is false: the Features' entrypoints (${entrypoints.join(', ')}) are not run.`);
  let command: Pick<CreateContainerOptions, 'entrypoint' | 'cmd'> = {};
  if (plan.keepAlive) command = keepAliveWith(entrypoints);
  else if (plan.entrypoint !== undefined) command = { entrypoint: plan.entrypoint ? [plan.entrypoint] : [] };
  if (plan.keepAlive && plan.entrypoint !== undefined)
    warn(o, plan, 'runArgs: --entrypoint is not honoured while overrideCommand is true (the default).');
  return {
    image,
    name: plan.name,
    env: plan.env,
    labels,
    workingDir: plan.workspaceFolder,
    ...(plan.containerUser ? { user: plan.containerUser } : {}),
    mounts,
    ports: plan.ports,
    ...command,
    ...(Object.keys(host).length ? { host } : {}),
  };
}

/**
 * What Apple's `container create` has no flag for (capabilities, security options, privileged,
 * init, tmpfs, …) is left out with one warning naming who asked for it: the container is made, and
 * the user knows what in it may not work. (The runtime itself refuses them, never drops them.)
 */
function leaveOutOnApple(
  host: ContainerHostOptions,
  configAsks: readonly (keyof ContainerHostOptions)[],
  features: FeatureImage | undefined,
  plan: WorkspacePlan,
  o: CreateWorkspaceOptions,
): void {
  const other = unsupportedOnApple(host);
  if (!other.length) return;
  const askers = (features?.ordered ?? [])
    .filter((f) => {
      const md = f.metadata;
      return (
        md.capAdd.length > 0 ||
        md.securityOpt.length > 0 ||
        !!md.privileged ||
        !!md.init ||
        md.mounts.some((x) => (typeof x === 'string' ? /(^|,)type=tmpfs(,|$)/.test(x) : false))
      );
    })
    .map((f) => `Feature "${f.ref.key}"`);
  if (configAsks.length) askers.push('devcontainer.json');
  for (const k of other) delete host[k];
  warn(
    o,
    plan,
    `Apple Containers cannot set ${other.join(', ')} on a container; left out` +
      `${askers.length ? ` (asked by ${askers.join(', ')})` : ''}. What needs them may not work there.`,
  );
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

/**
 * Brings the Compose service up (with what it depends on) as the workspace container, with what the
 * forwarding adds to it, served and set up before any hook runs.
 */
async function createFromCompose(
  rt: ContainerRuntime,
  plan: WorkspacePlan,
  o: CreateWorkspaceOptions,
  folder: string,
): Promise<WorkspaceContainer> {
  const fw = o.forwarding ? await forwardAtCreate(rt, o.forwarding, (w) => warn(o, plan, w)) : undefined;
  let up: Awaited<ReturnType<typeof composeUp>>;
  try {
    up = await composeUp(rt, plan, { ...composeUpOptions(rt, o, folder), ...(fw ? { forward: fw } : {}) });
  } catch (err) {
    // Its folder goes unless a container of the service was made with it (a dependency failed).
    if (fw) {
      const list = await rt.listContainers({ all: true }).catch(() => []);
      const label = fw.labels[LABELS.forward];
      if (!serviceContainers(list, plan, folder).some((c) => c.labels[LABELS.forward] === label))
        await releaseForwarding(fw.labels, o.forwarding?.servers, o.forwarding?.env);
    }
    throw err;
  }
  const made = workspaceContainer(plan, up.container.id, up.container.name, true);
  o.onProgress?.({ message: `Service ${plan.compose!.service} runs as ${made.name}.`, increment: 85 });
  await forwardNow(rt, made, up.container.labels, { ...o, forwarding: fw ? o.forwarding : undefined }, folder, true);
  return withHooks(rt, 'create', plan.hooks, plan, o, made, plan.env);
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
  const plan = planWorkspace(folder, o.source, {
    runtime: rt.id,
    env: o.env,
    labels: o.labels,
    ...(o.volume ? { volume: o.volume } : {}),
  });
  checkRuntimeCanRun(rt, plan);
  checkSignal(o.signal);
  for (const w of plan.warnings) o.onProgress?.({ message: `Warning: ${w}` });
  await runInitialize(plan, o.hooks, folder, o);
  o.onProgress?.({ message: "Looking for the folder's workspace container…" });
  let list = await step(o.signal, () => rt.listContainers({ all: true, signal: o.signal }));
  const existing = matchWorkspaceContainers(list, folder, plan.configFile);
  if (existing.length) {
    const mine = existing.find((c) => sameSource(c, plan));
    if (!mine) throw otherSourceConflict(existing[0], folder, o.source.label);
    if (!o.rebuild) return reuse(rt, mine, plan, o, folder);
    o.onProgress?.({ message: `Removing ${mine.name} to rebuild it (its volumes are kept)…` });
    await step(o.signal, () => rt.remove(mine.id, { force: true }));
    await releaseForwarding(mine.labels, o.forwarding?.servers, o.forwarding?.env);
    list = list.filter((c) => c.id !== mine.id);
  }

  await warnHostRequirements(plan, o, folder);
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
  return made;
}
