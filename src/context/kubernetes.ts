import { resolve } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { yamlErrorDiagnostics } from './yamlErrors';
import type { ContextDiagnostic, KubernetesContainer, KubernetesInfo, KubernetesResource, ReadText } from './types';

const KUSTOMIZATION = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);
const NOT_MANIFESTS = /(^|\/)(\.github|\.gitlab|\.circleci)\/|(^|\/)((docker-|podman-)?compose[^/]*|\.?devcontainer[^/]*|\.pre-commit-config|mkdocs|pnpm-lock|\.?gitlab-ci|codecov|dependabot|\.?golangci|\.?goreleaser)\.ya?ml$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The pod spec of a workload, wherever its kind keeps it. */
function podSpec(kind: string, doc: Obj): Obj | undefined {
  const spec = isObj(doc.spec) ? doc.spec : undefined;
  if (!spec) return undefined;
  if (kind === 'Pod') return spec;
  if (kind === 'CronJob') {
    const job = isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
    return job && isObj(job.template) && isObj(job.template.spec) ? job.template.spec : undefined;
  }
  return isObj(spec.template) && isObj(spec.template.spec) ? spec.template.spec : undefined;
}

function containersOf(spec: Obj | undefined): KubernetesContainer[] {
  if (!spec) return [];
  const list = [...(Array.isArray(spec.initContainers) ? spec.initContainers : []), ...(Array.isArray(spec.containers) ? spec.containers : [])];
  return list.filter(isObj).map((c) => ({ name: String(c.name ?? ''), image: typeof c.image === 'string' ? c.image : undefined }));
}

/**
 * Kustomizations, Helm charts (Chart.yaml; nothing under a chart's templates/ is parsed) and YAML
 * manifests: multi-document files whose documents have apiVersion, kind and metadata.
 */
export async function detectKubernetes(folder: string, files: string[], read: ReadText)
  : Promise<{ info: KubernetesInfo; diagnostics: ContextDiagnostic[] }> {
  const info: KubernetesInfo = { kustomizations: [], charts: [], resources: [] };
  const diagnostics: ContextDiagnostic[] = [];
  const chartDirs = files.filter((f) => f === 'Chart.yaml' || f.endsWith('/Chart.yaml')).map((f) => f.slice(0, -'Chart.yaml'.length));
  const inChartTemplates = (f: string) => chartDirs.some((d) => f.startsWith(`${d}templates/`) || f.startsWith(`${d}charts/`));

  await Promise.all(files.map(async (rel) => {
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    if (KUSTOMIZATION.has(base)) { info.kustomizations.push(resolve(folder, rel)); return; }
    if (base === 'Chart.yaml') {
      const text = await read(resolve(folder, rel));
      const name = text && /^name:\s*["']?([^"'\s#]+)/m.exec(text)?.[1];
      const version = text && /^version:\s*["']?([^"'\s#]+)/m.exec(text)?.[1];
      info.charts.push({ path: resolve(folder, rel), name: name || undefined, version: version || undefined });
      return;
    }
    if (!/\.ya?ml$/.test(base) || NOT_MANIFESTS.test(rel) || inChartTemplates(rel) || base === 'values.yaml') return;
    const file = resolve(folder, rel);
    const text = await read(file);
    // Cheap test first: most YAML in a repository is not a manifest.
    if (!text || !/^\s*apiVersion\s*:/m.test(text) || !/^\s*kind\s*:/m.test(text)) return;
    const lc = new LineCounter();
    let docs;
    try {
      docs = parseAllDocuments(text, { lineCounter: lc });
    } catch {
      return;
    }
    if (!Array.isArray(docs)) return; // an empty stream
    for (const doc of docs) {
      diagnostics.push(...yamlErrorDiagnostics(file, text, doc.errors, 'kubernetes'));
      if (doc.errors.length) continue;
      const js = doc.toJS() as unknown;
      if (!isObj(js) || typeof js.apiVersion !== 'string' || typeof js.kind !== 'string' || !isObj(js.metadata)) continue;
      const line = lc.linePos(doc.contents?.range?.[0] ?? doc.range[0]).line - 1;
      const resource: KubernetesResource = {
        file, line, apiVersion: js.apiVersion, kind: js.kind,
        name: String(js.metadata.name ?? js.metadata.generateName ?? ''),
        namespace: typeof js.metadata.namespace === 'string' ? js.metadata.namespace : undefined,
        containers: containersOf(podSpec(js.kind, js)),
      };
      info.resources.push(resource);
    }
  }));
  info.kustomizations.sort();
  info.charts.sort((a, b) => a.path.localeCompare(b.path));
  info.resources.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { info, diagnostics };
}
