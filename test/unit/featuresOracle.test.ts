// The reference implementation as oracle: @devcontainers/cli (devDependency, never bundled) resolves
// the same fixture configs' local Features with `read-configuration --include-features-configuration`.
// It needs no engine for that, only `docker ps` to look for an existing container: it is given a stub
// docker that records its calls and answers `ps` with nothing (no real engine is touched); any other
// call fails the test. Compared: the install order, and the options each Feature runs with.
//
// Known differences, by design (none shows in these fixtures):
// - Round stable sort: the spec puts Features with MORE user-given options first; the CLI fewer.
//   We follow the spec. Names are compared by code unit; the CLI uses localeCompare.
// - Feature equality uses the options after defaults (spec: "executed with the same options");
//   the CLI compares the options as written (`{}` and `{"version": "latest"}` differ there).
// - The env file is single-quoted (no expansion); the CLI writes KEY="value", which expands $(…).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installOrder } from '../../src/core/features/order';
import { RuntimeError } from '../../src/core/runtime/errors';
import { fixturesDir } from '../support/fixtures';
import { REFERENCE_CLI, referenceEnv } from '../support/referenceCli';
import { loadLocalConfig } from './featuresLocal';

const CLI = REFERENCE_CLI;
const CONFIGS = ['chain', 'soft', 'override', 'options', 'mixed', 'cycle'];

interface CliFeatureSet {
  sourceInformation: { userFeatureId: string };
  features: { options?: Record<string, { default?: unknown }>; value: unknown }[];
}

describe('Features: the reference CLI as oracle', function () {
  this.timeout(120_000);
  let tmp = '';
  let stub = '';

  before(function () {
    if (!existsSync(CLI)) this.skip();
    tmp = mkdtempSync(join(tmpdir(), 'cws-features-oracle-'));
    stub = join(tmp, 'docker');
    writeFileSync(stub, `#!/bin/sh\necho "$*" >> "${tmp}/docker-calls"\n[ "$1" = ps ] && exit 0\nexit 1\n`);
    chmodSync(stub, 0o755);
  });
  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  function reference(name: string): { ok: boolean; sets: CliFeatureSet[]; stderr: string } {
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        'read-configuration',
        '--workspace-folder',
        join(fixturesDir, 'features', name),
        '--include-features-configuration',
        '--docker-path',
        stub,
        '--log-level',
        'trace',
      ],
      { encoding: 'utf8', timeout: 60_000, env: referenceEnv(tmp), maxBuffer: 16 * 1024 * 1024 },
    );
    const ok = r.status === 0;
    const sets = ok
      ? (JSON.parse(r.stdout) as { featuresConfiguration: { featureSets: CliFeatureSet[] } }).featuresConfiguration
          .featureSets
      : [];
    return { ok, sets, stderr: r.stderr };
  }

  for (const name of CONFIGS)
    it(`${name}: same install order and options`, () => {
      const ref = reference(name);
      const calls = existsSync(join(tmp, 'docker-calls')) ? readFileSync(join(tmp, 'docker-calls'), 'utf8') : '';
      assert.deepEqual(
        calls.split('\n').filter((l) => l && !l.startsWith('ps ')),
        [],
        'docker used beyond ps',
      );
      const c = loadLocalConfig(join(fixturesDir, 'features', name, '.devcontainer/devcontainer.json'));
      let ours;
      try {
        ours = installOrder({ features: c.features, overrideOrder: c.overrideOrder, refContext: c.ctx }).order;
      } catch (e) {
        assert.ok(e instanceof RuntimeError);
        assert.equal(ref.ok, false, `the CLI ordered what we refused (${e.message})`);
        assert.match(ref.stderr, /Circular dependency/);
        return;
      }
      assert.ok(ref.ok, `the CLI failed: ${ref.stderr.slice(-2000)}`);
      // Keys as written; the CLI names dependencies by their dependsOn key, which our fixtures write as the user does.
      assert.deepEqual(
        ours.map((f) => f.ref.key),
        ref.sets.map((s) => s.sourceInformation.userFeatureId),
      );
      ref.sets.forEach((s, i) => {
        const f = s.features[0];
        // The CLI's rule (defaults, then the value; a bare value is `version`) applied to what it resolved.
        const defaults = Object.fromEntries(
          Object.entries(f.options ?? {})
            .filter(([, o]) => 'default' in o)
            .map(([k, o]) => [k, o.default]),
        );
        const value = f.value;
        const theirs =
          typeof value === 'object' && value !== null
            ? { ...defaults, ...value }
            : f.options?.version
              ? { ...defaults, version: value }
              : defaults;
        assert.deepEqual({ ...ours[i].options }, theirs, `options of ${s.sourceInformation.userFeatureId}`);
      });
    });
});
