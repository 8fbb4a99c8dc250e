import { resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseAllDocuments, parseDocument, type Node as YamlNode } from 'yaml';
import { yamlErrorDiagnostics } from './yamlErrors';
import { readSafely } from './readSafely';
import type { ContextDiagnostic, KubernetesContainer, KubernetesInfo, KubernetesResource, ReadText } from './types';

/** Manifests larger than this are not parsed (generated bundles, CRD dumps). */
const MAX_MANIFEST_BYTES = 1024 * 1024;
/** Reads in flight at once: a tree with thousands of YAML files must not run out of file handles. */
const READ_CONCURRENCY = 16;

const KUSTOMIZATION = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);
const YAML_EXT = /\.ya?ml$/i;
/** Compose files (compose.yaml, compose.override.yml, docker-compose*.yml, podman-compose*.yml). */
const COMPOSE_NAME = /^(compose(\.[^/]*)?|docker-compose[^/]*|podman-compose[^/]*)\.ya?ml$/i;
/** Helm values files, only next to a Chart.yaml. */
const VALUES_NAME = /^(values([.-][^/]*)?|requirements)\.ya?ml$/i;

/** Pod specs by kind: where each workload keeps its containers. */
const POD_SPEC_PATH: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function containersOf(kind: string, doc: Obj): KubernetesContainer[] {
  const path = POD_SPEC_PATH[kind];
  if (!path) return [];
  let spec: unknown = doc;
  for (const key of path) spec = isObj(spec) ? spec[key] : undefined;
  if (!isObj(spec)) return [];
  const list = [...listOf(spec.initContainers), ...listOf(spec.containers)];
  return list.filter(isObj).map((c) => ({
    // A name that is no string (`name: 8080`) is taken as YAML wrote it; String() is the conversion meant.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- any YAML value may be here
    name: typeof c.name === 'string' ? c.name : String(c.name ?? ''),
    image: typeof c.image === 'string' ? c.image : undefined,
  }));
}

/** A resource when the object has apiVersion, kind and metadata with a name (or generateName). */
function resourceOf(js: unknown, file: string, line: number): KubernetesResource | undefined {
  if (!isObj(js) || typeof js.apiVersion !== 'string' || typeof js.kind !== 'string' || !isObj(js.metadata))
    return undefined;
  const name =
    typeof js.metadata.name === 'string'
      ? js.metadata.name
      : typeof js.metadata.generateName === 'string'
        ? js.metadata.generateName
        : undefined;
  if (name === undefined) return undefined;
  return {
    file,
    line,
    apiVersion: js.apiVersion,
    kind: js.kind,
    name,
    namespace: typeof js.metadata.namespace === 'string' ? js.metadata.namespace : undefined,
    containers: containersOf(js.kind, js),
  };
}

/**
 * Cheap test before parsing: top-level `apiVersion:` and `kind:` keys (at the start of a line,
 * optionally quoted), or a JSON-style document that names both. Most YAML in a repository
 * (CI workflows, values files, configs) fails it and is never parsed.
 */
export function looksLikeManifest(text: string): boolean {
  if (!text.includes('apiVersion') || !text.includes('kind')) return false;
  if (/^\uFEFF?["']?apiVersion["']?[ \t]*:/m.test(text) && /^\uFEFF?["']?kind["']?[ \t]*:/m.test(text)) return true;
  return /^\uFEFF?\s*\{/.test(text) && /"apiVersion"\s*:/.test(text) && /"kind"\s*:/.test(text);
}

const tooLarge = (text: string) =>
  text.length > MAX_MANIFEST_BYTES ||
  (text.length * 3 > MAX_MANIFEST_BYTES && Buffer.byteLength(text, 'utf8') > MAX_MANIFEST_BYTES);

/** The resources of one manifest file, and its YAML syntax errors. */
export function parseManifest(
  file: string,
  text: string,
): { resources: KubernetesResource[]; diagnostics: ContextDiagnostic[] } {
  const resources: KubernetesResource[] = [];
  const diagnostics: ContextDiagnostic[] = [];
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc });
  const lineOf = (offset: number) => lc.linePos(offset).line - 1;
  const broken = docs.some((d) => d.errors.length > 0);
  // A file that does not parse and holds `{{ … }}` is a template (Helm outside a chart, Go or
  // Jinja templating): not ours to judge.
  if (broken && text.includes('{{')) return { resources, diagnostics };
  const errorLines = new Set<number>();
  for (const doc of docs) {
    if (doc.errors.length) {
      // One error per line: the parser often reports one mistake twice at the same place.
      for (const d of yamlErrorDiagnostics(file, text, doc.errors, 'kubernetes')) {
        if (!errorLines.has(d.range.line)) diagnostics.push(d);
        errorLines.add(d.range.line);
      }
      continue;
    }
    let js: unknown;
    try {
      js = doc.toJS();
    } catch {
      continue; // e.g. too many aliases
    }
    const contents = doc.contents as YamlNode | null;
    // A List (kubectl get -o yaml, or written by hand) carries its resources in items.
    if (
      isObj(js) &&
      js.kind === 'List' &&
      typeof js.apiVersion === 'string' &&
      Array.isArray(js.items) &&
      isMap(contents)
    ) {
      const items = contents.get('items', true);
      if (isSeq(items)) {
        const values = js.items;
        items.items.forEach((node, i) => {
          const item = resourceOf(values[i], file, lineOf((node as YamlNode).range?.[0] ?? 0));
          if (item) resources.push(item);
        });
      }
      continue;
    }
    const resource = resourceOf(js, file, lineOf(contents?.range?.[0] ?? doc.range[0]));
    if (resource) resources.push(resource);
  }
  return { resources, diagnostics };
}

/** A Chart.yaml: name and version as written (failsafe schema: `version: 1.10` stays "1.10"). */
function parseChart(file: string, text: string): { name?: string; version?: string; diagnostics: ContextDiagnostic[] } {
  const doc = parseDocument(text, { schema: 'failsafe' });
  const diagnostics = yamlErrorDiagnostics(file, text, doc.errors, 'kubernetes');
  const js = doc.errors.length ? undefined : (doc.toJS() as unknown);
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return { name: isObj(js) ? str(js.name) : undefined, version: isObj(js) ? str(js.version) : undefined, diagnostics };
}

/** fn over items, at most `limit` at a time; a failing item is skipped, never the whole run. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]).catch(() => undefined);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Kustomizations, Helm charts and manifests of a folder. Nothing under a chart's templates/ (Helm
 * templates are not YAML) or charts/ (vendored sub-charts) is read, nor its values files; Compose
 * files and anything under .github/ are skipped by name; every other *.yaml / *.yml up to 1 MiB is
 * read and parsed only if looksLikeManifest. Each document with apiVersion, kind and metadata.name is a
 * resource. YAML syntax errors in a manifest are errors at their line; the file's valid documents
 * still count. Never throws.
 */
export async function detectKubernetes(
  folder: string,
  files: string[],
  read: ReadText,
): Promise<{ info: KubernetesInfo; diagnostics: ContextDiagnostic[] }> {
  const diagnostics: ContextDiagnostic[] = [];
  const { kustomizations, chartFiles, manifests } = sortFiles(folder, files);
  const info: KubernetesInfo = { kustomizations, charts: [], resources: [] };
  await Promise.all([
    eachLimited(chartFiles, READ_CONCURRENCY, async (rel) => {
      const path = resolve(folder, rel);
      const chart = await readChart(path, read);
      info.charts.push({ path, name: chart.name, version: chart.version });
      diagnostics.push(...chart.diagnostics);
    }),
    eachLimited(manifests, READ_CONCURRENCY, async (rel) => {
      const file = resolve(folder, rel);
      const text = await readSafely(read, file);
      if (text === undefined || tooLarge(text) || !looksLikeManifest(text)) return;
      try {
        const m = parseManifest(file, text);
        info.resources.push(...m.resources);
        diagnostics.push(...m.diagnostics);
      } catch {
        // A parser failure is not the user's problem to see; the file is left out.
      }
    }),
  ]);
  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  info.kustomizations.sort(byPath);
  info.charts.sort((a, b) => byPath(a.path, b.path));
  info.resources.sort((a, b) => byPath(a.file, b.file) || a.line - b.line);
  diagnostics.sort((a, b) => byPath(a.file, b.file) || a.range.line - b.range.line || a.range.column - b.range.column);
  return { info, diagnostics };
}

/**
 * A listing by role: kustomizations (absolute paths), Chart.yaml files and the YAML files that
 * may be manifests (relative): no Compose file, nothing under .github/, nothing a chart owns.
 */
function sortFiles(
  folder: string,
  files: string[],
): { kustomizations: string[]; chartFiles: string[]; manifests: string[] } {
  const kustomizations: string[] = [];
  const chartFiles: string[] = [];
  const yamlFiles: string[] = [];
  const chartDirs = new Set<string>();
  for (const rel of files) {
    const slash = rel.lastIndexOf('/');
    const base = slash < 0 ? rel : rel.slice(slash + 1);
    if (KUSTOMIZATION.has(base)) kustomizations.push(resolve(folder, rel));
    else if (base === 'Chart.yaml') {
      chartFiles.push(rel);
      chartDirs.add(rel.slice(0, slash + 1));
    } else if (
      YAML_EXT.test(base) &&
      !COMPOSE_NAME.test(base) &&
      !rel.startsWith('.github/') &&
      !rel.includes('/.github/')
    )
      yamlFiles.push(rel);
  }
  const manifests = yamlFiles.filter((rel) => !helmOwned(rel, chartDirs));
  return { kustomizations, chartFiles, manifests };
}

/** Under <chart>/templates/ or <chart>/charts/, or a values file next to a Chart.yaml. */
function helmOwned(rel: string, chartDirs: Set<string>): boolean {
  if (!chartDirs.size) return false;
  const slash = rel.lastIndexOf('/');
  if (chartDirs.has(rel.slice(0, slash + 1)) && VALUES_NAME.test(rel.slice(slash + 1))) return true;
  for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) {
    const start = rel.lastIndexOf('/', i - 1) + 1;
    const segment = rel.slice(start, i);
    if ((segment === 'templates' || segment === 'charts') && chartDirs.has(rel.slice(0, start))) return true;
  }
  return false;
}

/** A Chart.yaml read and parsed; one that cannot be read (or is too large) is a chart without a name. */
async function readChart(
  path: string,
  read: ReadText,
): Promise<{ name?: string; version?: string; diagnostics: ContextDiagnostic[] }> {
  const text = await readSafely(read, path);
  if (text === undefined || tooLarge(text)) return { diagnostics: [] };
  try {
    return parseChart(path, text);
  } catch {
    return { diagnostics: [] }; // reported as a chart without name
  }
}
