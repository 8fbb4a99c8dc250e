/**
 * The install order of a set of Features (spec: feature-dependencies.md, "B3 round-based sorting").
 * `dependsOn` is a hard edge (missing = error naming both), `installsAfter` a soft one (dropped when
 * the Feature it names is not in the set), `overrideFeatureInstallOrder` gives round priorities
 * (n − index) and never pulls a Feature before its dependencies. Each round commits the ready
 * Features of the highest priority, sorted by the spec's round stable sort. A round with nothing
 * ready is a cycle, reported with the Features on it. Pure; linear in rounds × edges.
 */
import { featureError, quote } from './errors';
import { FEATURE_LIMITS } from './limits';
import { userOptionsOf } from './metadata';
import { resolveOptions, type OptionValues } from './options';
import { parseFeatureRef, tryParseFeatureRef, type RefContext } from './ref';
import type { FeatureRef, ResolvedFeature } from './types';

export interface OrderInput {
  /** Every Feature to install: the user's and, already fetched, their dependencies (any order). */
  features: ResolvedFeature[];
  /** devcontainer.json's `overrideFeatureInstallOrder`. */
  overrideOrder?: readonly string[];
  /** Where local `dependsOn` / `installsAfter` keys are resolved from (the config's folder). */
  refContext: RefContext;
}

export interface OrderedFeature extends ResolvedFeature {
  /** The options it runs with (defaults applied). */
  options: OptionValues;
  /** Its round priority from overrideFeatureInstallOrder (0 when not listed). */
  priority: number;
}

export interface OrderResult {
  order: OrderedFeature[];
  /** Soft problems: an override entry naming no Feature in the set, options that do not fit. */
  warnings: string[];
}

interface Node {
  f: OrderedFeature;
  /** JSON of the effective options, for equality. */
  optionsKey: string;
  hard: Set<number>;
  soft: Set<number>;
}

/** The name a user recognises in a message: the key as written. */
function named(f: ResolvedFeature): string {
  return quote(f.ref.key);
}

/** Aliases under which `installsAfter` / the override order may name an OCI Feature (legacyIds, spec). */
function resourcesOf(f: ResolvedFeature): string[] {
  const out = [f.ref.resource];
  if (f.ref.kind === 'oci') {
    const ns = f.ref.resource.slice(0, f.ref.resource.lastIndexOf('/'));
    for (const id of [f.metadata.id, ...f.metadata.legacyIds]) out.push(`${ns}/${id.toLowerCase()}`);
  }
  return out;
}

/** The resource a soft reference (no version) names, or undefined when it names nothing we know how to match. */
function softResource(entry: string, ctx: RefContext): string | undefined {
  const ref = tryParseFeatureRef(entry, ctx);
  return ref?.resource;
}

/** Computes the install order, or throws a RuntimeError naming a missing dependency or a cycle. */
export function installOrder(input: OrderInput): OrderResult {
  const warnings: string[] = [];
  if (input.features.length > FEATURE_LIMITS.maxFeatures)
    throw featureError(
      `More than ${FEATURE_LIMITS.maxFeatures} Features are to be installed.`,
      'Remove Features from devcontainer.json or their dependsOn.',
    );
  const nodes: Node[] = [];
  const byIdentity = new Map<string, number>();
  for (const feature of input.features) {
    const r = resolveOptions(feature.metadata, feature.userOptions);
    warnings.push(...r.warnings);
    const optionsKey = JSON.stringify(Object.entries(r.values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const identity = `${feature.ref.canonical}\n${optionsKey}`;
    // Feature equality (spec): same source and same options is one Feature, installed once.
    if (byIdentity.has(identity)) continue;
    byIdentity.set(identity, nodes.length);
    nodes.push({ f: { ...feature, options: r.values, priority: 0 }, optionsKey, hard: new Set(), soft: new Set() });
  }
  const byResource = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    for (const res of new Set(resourcesOf(n.f))) byResource.set(res, [...(byResource.get(res) ?? []), i]);
  });

  nodes.forEach((n, i) => {
    for (const [key, raw] of Object.entries(n.f.metadata.dependsOn)) {
      const dep = parseDependency(n.f, key, input.refContext);
      const user = userOptionsOf(raw);
      const target = nodes.findIndex((m) => m.f.ref.canonical === dep.canonical && sameOptions(m, user));
      if (target < 0)
        throw featureError(
          `The Feature ${named(n.f)} depends on ${quote(key)}, which is not among the Features to install.`,
          'Fetch the dependency (with the options dependsOn gives it), or remove the dependency.',
        );
      if (target === i)
        throw featureError(
          `The Feature ${named(n.f)} depends on itself (${quote(key)}).`,
          'Remove it from its own dependsOn; report this to the Feature’s author.',
        );
      n.hard.add(target);
    }
    for (const entry of n.f.metadata.installsAfter) {
      const res = softResource(entry, input.refContext);
      // Not in the set: the soft dependency is dropped (spec). A Feature never waits for itself.
      for (const t of (res && byResource.get(res)) || []) if (t !== i) n.soft.add(t);
    }
  });

  const overrides = input.overrideOrder ?? [];
  overrides.forEach((entry, idx) => {
    const priority = overrides.length - idx;
    const res = softResource(entry, input.refContext);
    const hits = (res && byResource.get(res)) || [];
    if (hits.length === 0)
      warnings.push(`overrideFeatureInstallOrder names ${quote(entry)}, which is not among the Features to install.`);
    for (const t of hits) nodes[t].f.priority = Math.max(nodes[t].f.priority, priority);
  });

  return { order: rounds(nodes), warnings };

  function sameOptions(m: Node, user: ReturnType<typeof userOptionsOf>): boolean {
    const r = resolveOptions(m.f.metadata, user);
    return JSON.stringify(Object.entries(r.values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) === m.optionsKey;
  }
}

function parseDependency(f: ResolvedFeature, key: string, ctx: RefContext): FeatureRef {
  try {
    return parseFeatureRef(key, ctx);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw featureError(`The Feature ${named(f)} has an unusable dependsOn ${quote(key)}: ${why}`, 'Fix its dependsOn.');
  }
}

function rounds(nodes: Node[]): OrderedFeature[] {
  const installed = new Set<number>();
  let worklist = nodes.map((_, i) => i);
  const order: OrderedFeature[] = [];
  while (worklist.length > 0) {
    const ready = worklist.filter((i) => every(nodes[i].hard, installed) && every(nodes[i].soft, installed));
    if (ready.length === 0) throw cycleError(nodes, worklist);
    const top = Math.max(...ready.map((i) => nodes[i].f.priority));
    const round = ready.filter((i) => nodes[i].f.priority === top).sort((a, b) => compareNodes(nodes[a], nodes[b]));
    for (const i of round) {
      installed.add(i);
      order.push(nodes[i].f);
    }
    worklist = worklist.filter((i) => !installed.has(i));
  }
  return order;
}

function every(deps: Set<number>, installed: Set<number>): boolean {
  for (const d of deps) if (!installed.has(d)) return false;
  return true;
}

/** Finds one cycle among the Features left (iteratively: a 1000-long chain must not overflow the stack). */
function cycleError(nodes: Node[], left: number[]) {
  const inLeft = new Set(left);
  const state = new Map<number, 1 | 2>();
  for (const start of left) {
    if (state.has(start)) continue;
    const path: number[] = [];
    const stack: { n: number; next: Iterator<number> }[] = [];
    const push = (n: number) => {
      state.set(n, 1);
      path.push(n);
      stack.push({ n, next: [...nodes[n].hard, ...nodes[n].soft].filter((d) => inLeft.has(d))[Symbol.iterator]() });
    };
    push(start);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const step = top.next.next();
      if (step.done) {
        state.set(top.n, 2);
        stack.pop();
        path.pop();
        continue;
      }
      const d = step.value;
      if (state.get(d) === 1) {
        const cycle = path.slice(path.indexOf(d)).concat(d);
        const shown = cycle.slice(0, 12).map((i) => named(nodes[i].f));
        const more = cycle.length > 12 ? ' → …' : '';
        return featureError(
          `The Features depend on each other in a cycle (→: needs first): ${shown.join(' → ')}${more}.`,
          'Break the cycle in dependsOn / installsAfter (or ask the Features’ authors).',
        );
      }
      if (!state.has(d)) push(d);
    }
  }
  return featureError('The Features cannot be ordered.', 'Check their dependsOn and installsAfter.');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Oldest to newest, `latest` newest (spec); numeric parts compared as numbers (1.10 after 1.9). */
function compareTags(a: string, b: string): number {
  if (a === b) return 0;
  if (a === 'latest') return 1;
  if (b === 'latest') return -1;
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const na = /^\d+$/.test(pa[i]) ? Number(pa[i]) : NaN;
    const nb = /^\d+$/.test(pb[i]) ? Number(pb[i]) : NaN;
    const c = !isNaN(na) && !isNaN(nb) ? na - nb : cmp(pa[i], pb[i]);
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

/** The spec's round stable sort: resource, tag, options (more user-given first, keys, values), canonical id. */
function compareNodes(x: Node, y: Node): number {
  const a = x.f;
  const b = y.f;
  let c = cmp(a.ref.resource, b.ref.resource);
  if (c !== 0) return c;
  if (a.ref.kind === 'oci' && b.ref.kind === 'oci' && a.ref.oci.tag && b.ref.oci.tag) {
    c = compareTags(a.ref.oci.tag, b.ref.oci.tag);
    if (c !== 0) return c;
  }
  const ua = userKeys(a);
  const ub = userKeys(b);
  if (ua.length !== ub.length) return ub.length - ua.length;
  for (let i = 0; i < ua.length; i++) if ((c = cmp(ua[i], ub[i])) !== 0) return c;
  for (let i = 0; i < ua.length; i++) if ((c = cmp(String(a.options[ua[i]]), String(b.options[ub[i]]))) !== 0) return c;
  c = cmp(a.ref.canonical, b.ref.canonical);
  return c !== 0 ? c : cmp(x.optionsKey, y.optionsKey);
}

function userKeys(f: ResolvedFeature): string[] {
  const u = f.userOptions;
  if (typeof u === 'string' || typeof u === 'boolean') return f.metadata.options.version ? ['version'] : [];
  return Object.keys(u ?? {}).sort(cmp);
}
