import * as assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectKubernetes } from '../../src/core/detection/kubernetes';
import type { ReadText } from '../../src/core/detection/types';
import { repoRoot } from '../support/paths';

const root = join(repoRoot, 'test/fixtures/context/kubernetes');
/** A fixture folder's listing as detection gets it: relative POSIX paths of its files. */
const list = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => p.split('\\').join('/'))
    .sort();
/** Reads with fs, and records what was read (relative to the fixture folder). */
const detect = async (sub: string) => {
  const dir = join(root, sub);
  const reads: string[] = [];
  const read: ReadText = async (p) => {
    reads.push(p.slice(dir.length + 1));
    return readFile(p, 'utf8').catch(() => undefined);
  };
  const r = await detectKubernetes(dir, list(dir), read);
  const rel = (p: string) => p.slice(dir.length + 1);
  return { dir, rel, reads: reads.sort(), ...r };
};

describe('Kubernetes detection (kubernetes.ts)', () => {
  it("multi-document manifests, a CronJob, a Pod with init containers, a List; kind/name/namespace at the document's first line", async () => {
    const { rel, info, diagnostics } = await detect('shop');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      info.resources.map((r) => [rel(r.file), r.line, r.apiVersion, r.kind, r.name, r.namespace]),
      [
        ['deploy/base/api.yaml', 2, 'v1', 'ConfigMap', 'api-config', undefined],
        ['deploy/base/api.yaml', 15, 'apps/v1', 'Deployment', 'api', 'shop'],
        ['deploy/base/api.yaml', 45, 'v1', 'Service', 'api', 'shop'],
        ['deploy/debug-pod.yml', 0, 'v1', 'Pod', 'debug-', 'shop'],
        ['deploy/jobs/backup-cronjob.yaml', 0, 'batch/v1', 'CronJob', 'db-backup', 'shop'],
        ['deploy/overlays/prod/replicas.yaml', 0, 'apps/v1', 'Deployment', 'api', undefined],
        ['deploy/workers.yaml', 3, 'apps/v1', 'StatefulSet', 'queue', undefined],
        ['deploy/workers.yaml', 14, 'apps/v1', 'DaemonSet', 'node-exporter', 'monitoring'],
      ],
    );
    // The overlay's patch (overlays/prod/replicas.yaml) is a Deployment "api" too, without containers:
    // first one wins here.
    const containers: Record<string, unknown> = {};
    for (const r of info.resources) containers[`${r.kind}/${r.name}`] ??= r.containers;
    assert.deepEqual(containers['Deployment/api'], [
      { name: 'migrate', image: 'ghcr.io/example/api:1.8.2' },
      { name: 'api', image: 'ghcr.io/example/api:1.8.2' },
      { name: 'envoy', image: 'envoyproxy/envoy:v1.31.0' },
    ]);
    assert.deepEqual(containers['CronJob/db-backup'], [
      { name: 'wait-for-db', image: 'busybox:1.36' },
      { name: 'backup', image: 'postgres:16' },
    ]);
    assert.deepEqual(containers['Pod/debug-'], [
      { name: 'fetch-tools', image: 'curlimages/curl:8.8.0' },
      { name: 'shell', image: 'nicolaka/netshoot:v0.13' },
    ]);
    assert.deepEqual(containers['StatefulSet/queue'], [{ name: 'rabbitmq', image: 'rabbitmq:3.13-management' }]);
    assert.deepEqual(containers['DaemonSet/node-exporter'], [
      { name: 'exporter', image: 'quay.io/prometheus/node-exporter:v1.8.1' },
    ]);
    assert.deepEqual([containers['ConfigMap/api-config'], containers['Service/api']], [[], []]);
  });

  it('kustomization.yaml, kustomization.yml and Kustomization are listed, not taken for resources', async () => {
    const { rel, info } = await detect('shop');
    assert.deepEqual(info.kustomizations.map(rel), [
      'deploy/base/kustomization.yaml',
      'deploy/overlays/prod/kustomization.yml',
      'deploy/overlays/staging/Kustomization',
    ]);
    assert.ok(!info.resources.some((r) => r.kind === 'Kustomization'));
  });

  it('unrelated YAML is ignored: .github/ and Compose files are not even read; non-manifests (even broken ones) and Go templates give no problems', async () => {
    const { reads, info, diagnostics } = await detect('shop');
    assert.deepEqual(reads, [
      'config/settings.yaml',
      'deploy/base/api.yaml',
      'deploy/debug-pod.yml',
      'deploy/jobs/backup-cronjob.yaml',
      'deploy/overlays/prod/replicas.yaml',
      'deploy/workers.yaml',
      'hack/templates/deployment.yaml',
      'mkdocs.yml',
    ]);
    assert.deepEqual(diagnostics, []);
    assert.ok(!info.resources.some((r) => r.name === 'ci' || r.name.includes('{{')));
    const app = await detect('app');
    assert.deepEqual([app.diagnostics, app.reads.includes('.github/workflows/ci.yml')], [[], false]);
    assert.deepEqual(
      app.info.resources.map((r) => r.kind),
      ['ConfigMap', 'Deployment', 'Service', 'CronJob', 'Pod'],
    );
  });

  it('Helm charts: name and version as written ("1.10"), sub-charts too; templates/, charts/ and values files are never read; crds/ are manifests', async () => {
    const { rel, reads, info, diagnostics } = await detect('helm');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      info.charts.map((c) => [rel(c.path), c.name, c.version]),
      [
        ['charts/web/Chart.yaml', 'web', '1.10'],
        ['charts/web/charts/redis/Chart.yaml', 'redis', '19.6.4'],
      ],
    );
    assert.deepEqual(reads, [
      'charts/web/Chart.yaml',
      'charts/web/charts/redis/Chart.yaml',
      'charts/web/crds/widgets.example.com.yaml',
    ]);
    assert.deepEqual(
      info.resources.map((r) => [rel(r.file), r.line, r.kind, r.name]),
      [['charts/web/crds/widgets.example.com.yaml', 1, 'CustomResourceDefinition', 'widgets.example.com']],
    );
  });

  it('a chart at the folder root: its templates (even plain YAML) and its values file are not parsed', async () => {
    const { dir, reads, info, diagnostics } = await detect('rootchart');
    assert.deepEqual(
      [info.charts, info.resources, diagnostics],
      [[{ path: join(dir, 'Chart.yaml'), name: 'root-chart', version: '0.1.0' }], [], []],
    );
    assert.deepEqual(reads, ['Chart.yaml']);
    const other = await detect('chart');
    assert.deepEqual(
      [other.info.charts.map((c) => [c.name, c.version]), other.info.resources, other.diagnostics],
      [[['mychart', '0.3.1']], [], []],
    );
  });

  it("broken manifests: an error at the line of each syntax error; the file's valid documents before and after still count", async () => {
    const { rel, info, diagnostics } = await detect('broken-multi');
    assert.deepEqual(
      info.resources.map((r) => [rel(r.file), r.line, r.kind, r.name]),
      [
        ['app.yaml', 0, 'Namespace', 'shop'],
        ['app.yaml', 17, 'Service', 'web'],
        ['config.yaml', 0, 'ConfigMap', 'settings'],
      ],
    );
    assert.deepEqual(
      diagnostics.map((d) => [rel(d.file), d.severity, d.source, d.range.line, d.range.column]),
      [
        ['app.yaml', 'error', 'kubernetes', 15, 0], // `ports:` indented one column short of the container's keys
        ['app.yaml', 'error', 'kubernetes', 27, 0], // a tab as indentation
        ['config.yaml', 'error', 'kubernetes', 12, 8], // the opening quote of an unterminated string
      ],
    );
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      ['Sequence item without - indicator', 'Tabs are not allowed as indentation', 'Missing closing double quote'],
    );
    const single = await detect('broken');
    assert.deepEqual(
      single.info.resources.map((r) => r.name),
      ['ok'],
    );
    assert.deepEqual(
      single.diagnostics.map((d) => [d.severity, d.range.line]),
      [['error', 8]],
    );
  });

  it('skips manifests over 1 MiB, and only parses text with top-level apiVersion and kind (after a BOM, or JSON-style)', async () => {
    const folder = '/ws';
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\ndata:\n  blob: |\n';
    const big = `${manifest.replace('NAME', 'big')}${'    0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n'.repeat(17_000)}`;
    const texts: Record<string, string> = {
      'big.yaml': big,
      'small.yaml': manifest.replace('NAME', 'small'),
      'nested.yaml': 'chart:\n  extra:\n    apiVersion: v1\n    kind: Pod\n   broken: [\n',
      'bom.yaml': `\uFEFF${manifest.replace('NAME', 'with-bom')}`,
      'flow.yml': '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "as-json"}}\n',
    };
    assert.ok(big.length > 1024 * 1024);
    const { info, diagnostics } = await detectKubernetes(folder, Object.keys(texts), (p) =>
      Promise.resolve(texts[p.slice(folder.length + 1)]),
    );
    assert.deepEqual(
      [info.resources.map((r) => r.name), diagnostics.map((d) => [d.file, d.severity, d.message])],
      [
        ['with-bom', 'as-json', 'small'],
        [
          [
            '/ws/big.yaml',
            'warning',
            'big.yaml was not read: it is larger than 1 MiB, the limit for container files; ' +
              'Kubernetes resources in it, if any, are not shown',
          ],
        ],
      ],
    );
  });

  it('never throws: a reader that fails, or an alias bomb', async () => {
    const folder = '/ws';
    const files = ['a.yaml', 'Chart.yaml', 'kustomization.yaml'];
    const failing = await detectKubernetes(folder, files, () => Promise.reject(new Error('EIO')));
    assert.deepEqual(failing, {
      info: {
        kustomizations: ['/ws/kustomization.yaml'],
        charts: [{ path: '/ws/Chart.yaml', name: undefined, version: undefined }],
        resources: [],
      },
      diagnostics: [
        {
          file: '/ws/Chart.yaml',
          message: 'Chart.yaml was not read: it could not be read (EIO).',
          severity: 'warning',
          source: 'kubernetes',
          range: { line: 0, column: 0, endLine: 0, endColumn: 1 },
        },
        {
          file: '/ws/a.yaml',
          message: 'a.yaml was not read: it could not be read (EIO); Kubernetes resources in it, if any, are not shown',
          severity: 'warning',
          source: 'kubernetes',
          range: { line: 0, column: 0, endLine: 0, endColumn: 1 },
        },
      ],
    });
    let bomb = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      bomb += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    const survived = await detectKubernetes(folder, ['bomb.yaml'], () => Promise.resolve(bomb));
    assert.deepEqual(survived.info.resources, []);
    assert.deepEqual(
      survived.diagnostics.map((d) => d.message),
      ['This document cannot be read: its aliases expand too much (more than 1000 alias resolutions).'],
      'the bomb is said to be one, not silently dropped',
    );
  });

  it('a 20,000-file listing with 1,000 YAML files that are not manifests: only YAML is read, one manifest found (speed: npm run bench:context)', async () => {
    const folder = '/big';
    const files: string[] = [];
    for (let i = 0; i < 19_000; i++) files.push(`services/s${i % 200}/src/file${i}.go`);
    for (let i = 0; i < 1_000; i++) files.push(`services/s${i % 200}/config/settings${i}.yaml`);
    files.push('deploy/app.yaml', 'deploy/kustomization.yaml', '.github/workflows/ci.yml');
    const settings = 'server:\n  port: 8080\n  kind: http\nlogging:\n  level: info\n'.repeat(20);
    const app =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1\n';
    let reads = 0;
    const read: ReadText = (p) => {
      reads++;
      return Promise.resolve(p.endsWith('deploy/app.yaml') ? app : settings);
    };
    const r = await detectKubernetes(folder, files, read);
    assert.deepEqual(
      r.info.resources.map((x) => x.name),
      ['app'],
    );
    assert.equal(reads, 1_001, 'each YAML candidate once, no Go file');
    assert.deepEqual(r.diagnostics, [], 'settings files that are not manifests are not problems');
  });
});
