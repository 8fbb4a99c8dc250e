/**
 * What the Features add to the container, merged in install order with devcontainer.json's own
 * values, as the spec's merge logic says: containerEnv (later wins, the config last), mounts (one
 * per target, later wins), capAdd and securityOpt (set union, first-seen order), privileged and
 * init (true when any asks), entrypoints (each Feature's, in order) and each lifecycle hook as a
 * list: the Features' commands in install order, then the config's ("Features' commands run first").
 */
import { CONTAINER_HOOKS, type ContainerHook, type LifecycleCommand } from '../detection/types';
import { dict } from './metadata';
import type { FeatureMetadata, FeatureMount } from './types';

/** The parts of devcontainer.json that merge with what Features contribute. */
export interface ConfigContributions {
  containerEnv?: Record<string, string>;
  mounts?: FeatureMount[];
  capAdd?: string[];
  securityOpt?: string[];
  privileged?: boolean;
  init?: boolean;
  hooks?: Partial<Record<ContainerHook, LifecycleCommand>>;
}

export interface MergedFeatures {
  containerEnv: Record<string, string>;
  mounts: FeatureMount[];
  capAdd: string[];
  securityOpt: string[];
  privileged: boolean;
  init: boolean;
  /** Feature entrypoints in install order; each runs at container start before the command. */
  entrypoints: string[];
  /** Per hook, the commands to run one after another. */
  hooks: Record<ContainerHook, LifecycleCommand[]>;
  /** Each Feature's customizations, in install order (opaque; for the tools that read them). */
  customizations: unknown[];
}

/** The target of a mount: the object's, or the `target=` / `dst=` / `destination=` of a `--mount` string. */
export function mountTarget(m: FeatureMount): string | undefined {
  if (typeof m !== 'string') return m.target;
  for (const part of m.split(',')) {
    const eq = part.indexOf('=');
    const k = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (k === 'target' || k === 'dst' || k === 'destination') return part.slice(eq + 1).trim();
  }
  return undefined;
}

function union(into: string[], seen: Set<string>, items: readonly string[] | undefined): void {
  for (const x of items ?? [])
    if (!seen.has(x)) {
      seen.add(x);
      into.push(x);
    }
}

/** Merges the ordered Features' metadata with the config's values. */
export function mergeFeatures(ordered: readonly FeatureMetadata[], config: ConfigContributions = {}): MergedFeatures {
  const containerEnv = dict<string>();
  const capAdd: string[] = [];
  const capSeen = new Set<string>();
  const securityOpt: string[] = [];
  const secSeen = new Set<string>();
  const mountsByTarget = new Map<string, FeatureMount>();
  const untargeted: FeatureMount[] = [];
  const hooks = Object.fromEntries(CONTAINER_HOOKS.map((h) => [h, [] as LifecycleCommand[]])) as Record<
    ContainerHook,
    LifecycleCommand[]
  >;
  const entrypoints: string[] = [];
  const customizations: unknown[] = [];
  let privileged = config.privileged === true;
  let init = config.init === true;
  const addMounts = (ms: readonly FeatureMount[] | undefined) => {
    for (const m of ms ?? []) {
      const t = mountTarget(m);
      if (t === undefined) untargeted.push(m);
      else {
        // Later wins, at the later position (the config's mount replaces a Feature's on the same target).
        mountsByTarget.delete(t);
        mountsByTarget.set(t, m);
      }
    }
  };
  for (const f of ordered) {
    Object.assign(containerEnv, f.containerEnv);
    addMounts(f.mounts);
    union(capAdd, capSeen, f.capAdd);
    union(securityOpt, secSeen, f.securityOpt);
    privileged ||= f.privileged === true;
    init ||= f.init === true;
    if (f.entrypoint) entrypoints.push(f.entrypoint);
    if (f.customizations !== undefined) customizations.push(f.customizations);
    for (const h of CONTAINER_HOOKS) {
      const c = f.hooks[h];
      if (c !== undefined) hooks[h].push(c);
    }
  }
  Object.assign(containerEnv, config.containerEnv ?? {});
  addMounts(config.mounts);
  union(capAdd, capSeen, config.capAdd);
  union(securityOpt, secSeen, config.securityOpt);
  for (const h of CONTAINER_HOOKS) {
    const c = config.hooks?.[h];
    if (c !== undefined) hooks[h].push(c);
  }
  return {
    containerEnv,
    mounts: [...mountsByTarget.values(), ...untargeted],
    capAdd,
    securityOpt,
    privileged,
    init,
    entrypoints,
    hooks,
    customizations,
  };
}
