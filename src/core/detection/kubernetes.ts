import { resolve } from 'node:path';
import { isMap, isSeq, LineCounter, type Node as YamlNode } from 'yaml';
import { LIMITS, positionsOf, tooDeepMessage, tooManyLines, tooManyLinesMessage, yamlDepth } from './limits';
import {
  internalErrorDiagnostic,
  notReadDiagnostic,
  overBudgetDiagnostic,
  pooled,
  worthReporting,
  type Reads,
} from './reads';
import { yamlErrorDiagnostics } from './yamlErrors';
import { parseYamlDocument, parseYamlDocuments } from './yamlParse';
import type { ContextDiagnostic, KubernetesContainer, KubernetesInfo, KubernetesResource, ReadText } from './types';

/** Manifests larger than this are not parsed (generated bundles, CRD dumps). */
const MAX_MANIFEST_BYTES = LIMITS.maxBytes;
/** Files in flight at once (the reads themselves are pooled across all detectors). */
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
  const problem = (message: string, line = 0) =>
    diagnostics.push({
      file,
      message,
      severity: 'warning',
      source: 'kubernetes',
      range: { line, column: 0, endLine: line, endColumn: 1 },
    });
  if (tooManyLines(text) >= 0) {
    problem(tooManyLinesMessage('This manifest'));
    return { resources, diagnostics };
  }
  if (yamlDepth(text).offset >= 0) {
    problem(tooDeepMessage('This manifest'));
    return { resources, diagnostics };
  }
  // Many thousands of `---` documents take seconds to parse: only the first maxDocuments are read.
  const cut = nthDocumentStart(text, LIMITS.maxDocuments);
  if (cut >= 0) {
    const line = (text.slice(0, cut).match(/\n/g) ?? []).length;
    problem(
      `This file holds more than ${LIMITS.maxDocuments} YAML documents; ` +
        `only the first ${LIMITS.maxDocuments} were read.`,
      line,
    );
    text = text.slice(0, cut);
  }
  const lc = new LineCounter();
  const docs = parseYamlDocuments(text, { lineCounter: lc });
  const lineOf = (offset: number) => lc.linePos(offset).line - 1;
  const broken = docs.some((d) => d.errors.length > 0);
  // A file that does not parse and holds `{{ … }}` is a template (Helm outside a chart, Go or
  // Jinja templating): not ours to judge.
  if (broken && text.includes('{{')) return { resources, diagnostics };
  const errorLines = new Set<number>();
  let lineCol: ReturnType<typeof positionsOf> | undefined;
  for (const doc of docs) {
    if (doc.errors.length) {
      lineCol ??= positionsOf(text);
      // One error per line: the parser often reports one mistake twice at the same place.
      yamlErrorDiagnostics(file, text, doc.errors, 'kubernetes', lineCol).forEach((d, i) => {
        // Past the ones shown they are only counted: every one counts.
        if (i > LIMITS.maxDiagnosticsPerFile || !errorLines.has(d.range.line)) diagnostics.push(d);
        errorLines.add(d.range.line);
      });
      continue;
    }
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
    } catch (err) {
      // Most likely an alias bomb: yaml stops counting alias resolutions at the limit.
      const m = (err as Error).message.split('\n')[0];
      problem(
        /alias/i.test(m)
          ? 'This document cannot be read: its aliases expand too much ' +
              `(more than ${LIMITS.maxAliasCount} alias resolutions).`
          : `This document cannot be read: ${m}`,
        lineOf(doc.range[0]),
      );
      continue;
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

/**
 * The offset where document number `n` + 1 starts (a `---` line), or -1 when the text has no more
 * than `n` documents. A document separator inside a block scalar counts too: this only decides
 * where to stop reading, never what a document holds.
 */
function nthDocumentStart(text: string, n: number): number {
  let count = /^---(\s|$)/.test(text) ? 0 : 1;
  const re = /^---(?:[ \t]|$)/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m.index === 0) {
      count = 1;
      continue;
    }
    if (++count > n) return m.index;
  }
  return -1;
}

const problemAt = (file: string, message: string): ContextDiagnostic => ({
  file,
  message,
  severity: 'warning',
  source: 'kubernetes',
  range: { line: 0, column: 0, endLine: 0, endColumn: 1 },
});

/** A Chart.yaml: name and version as written (failsafe schema: `version: 1.10` stays "1.10"). */
function parseChart(file: string, text: string): { name?: string; version?: string; diagnostics: ContextDiagnostic[] } {
  if (tooManyLines(text) >= 0) return { diagnostics: [problemAt(file, tooManyLinesMessage('Chart.yaml'))] };
  if (yamlDepth(text).offset >= 0) return { diagnostics: [problemAt(file, tooDeepMessage('Chart.yaml'))] };
  const doc = parseYamlDocument(text, { schema: 'failsafe' });
  const diagnostics = yamlErrorDiagnostics(file, text, doc.errors, 'kubernetes');
  const js = doc.errors.length ? undefined : (doc.toJS({ maxAliasCount: LIMITS.maxAliasCount }) as unknown);
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
  const reads = pooled(read);
  await Promise.all([
    eachLimited(chartFiles, READ_CONCURRENCY, async (rel) => {
      const path = resolve(folder, rel);
      const chart = await readChart(path, reads);
      info.charts.push({ path, name: chart.name, version: chart.version });
      for (const d of chart.diagnostics) diagnostics.push(d);
    }),
    eachLimited(manifests, READ_CONCURRENCY, async (rel) => {
      const file = resolve(folder, rel);
      const got = await reads.get(file);
      // Any YAML file may be a manifest: one that could not be read is said so, not passed over.
      if (!got.ok) {
        if (worthReporting(got))
          diagnostics.push(
            notReadDiagnostic(file, got, 'kubernetes', {
              why: 'Kubernetes resources in it, if any, are not shown',
            }),
          );
        return;
      }
      const text = got.text;
      if (tooLarge(text)) {
        diagnostics.push(
          notReadDiagnostic(file, { ok: false, reason: 'tooLarge', detail: '' }, 'kubernetes', {
            why: 'Kubernetes resources in it, if any, are not shown',
          }),
        );
        return;
      }
      if (!looksLikeManifest(text)) return;
      if (reads.overBudget()) {
        diagnostics.push(overBudgetDiagnostic(file, 'kubernetes'));
        return;
      }
      try {
        const m = parseManifest(file, text);
        for (const r of m.resources) info.resources.push(r);
        for (const d of m.diagnostics) diagnostics.push(d);
      } catch (err) {
        diagnostics.push(internalErrorDiagnostic(file, err, 'kubernetes'));
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
  reads: Reads,
): Promise<{ name?: string; version?: string; diagnostics: ContextDiagnostic[] }> {
  const got = await reads.get(path);
  if (!got.ok) return { diagnostics: worthReporting(got) ? [notReadDiagnostic(path, got, 'kubernetes')] : [] };
  const text = got.text;
  if (tooLarge(text)) return { diagnostics: [] };
  try {
    return parseChart(path, text);
  } catch {
    return { diagnostics: [] }; // reported as a chart without name
  }
}
