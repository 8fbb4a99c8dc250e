// The reference CLI as oracle on real configs: each config of test/fixtures/devcontainer-corpus (38
// public dev container configs) is read by `@devcontainers/cli read-configuration` and planned by us
// from the same folder (a copy outside any git repository). Compared: the workspace folder and the
// workspace mount, containerEnv after substitution, remoteUser and containerUser. No engine is
// touched: the CLI is given a stub docker that answers `ps` with nothing (Features are not
// resolved; the engine tests compare built containers). Every difference is listed in KNOWN with why.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { detectDirectory } from '../../src/core/detection/detect';
import { planWorkspace, workspaceSources } from '../../src/core/workspace';
import { repoRoot } from '../support/paths';
import { REFERENCE_CLI, referenceEnv } from '../support/referenceCli';

const CLI = REFERENCE_CLI;
const CORPUS = join(repoRoot, 'test/fixtures/devcontainer-corpus');

/** `<folder>/<aspect>` → why the difference is right. */
const RUN_ARGS_ENV =
  "runArgs' -e is in our planned environment; the reference passes runArgs to `docker run` as they are, so " +
  'its containerEnv lacks it. The container gets the same variables (devcontainerOracle.test.ts: RUN_ARG)';
const KNOWN: Record<string, string> = {
  'esphome/containerEnv': RUN_ARGS_ENV,
  'ha-supervisor/containerEnv': RUN_ARGS_ENV,
  'home-assistant/containerEnv': RUN_ARGS_ENV,
};

function configsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...configsUnder(p));
    else if (name === 'devcontainer.json' || name === '.devcontainer.json') out.push(p);
  }
  return out;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** "type=bind,source=/a,target=/b,consistency=cached" → the fields that say where what goes. */
function mountFields(m: string | undefined): string {
  if (!m) return '(none)';
  const f = Object.fromEntries(
    m.split(',').map((kv) => {
      const eq = kv.indexOf('=');
      return eq < 0 ? [kv, 'true'] : [kv.slice(0, eq), kv.slice(eq + 1)];
    }),
  );
  return `${f.type ?? 'bind'} ${f.source ?? f.src ?? ''} -> ${f.target ?? f.destination ?? f.dst ?? ''}`;
}

interface Theirs {
  configuration: Record<string, unknown> & { containerEnv?: Record<string, string> };
  workspace?: { workspaceFolder?: string; workspaceMount?: string };
}

describe('dev container configs: the reference CLI as oracle on the real-config corpus', function () {
  this.timeout(180_000);
  let tmp = '';
  const configs = configsUnder(CORPUS).map((p) => relative(CORPUS, p));
  const results = new Map<string, { theirs?: Theirs; error?: string; folder: string; config: string }>();
  const rows: { config: string; same: number; compared: number; known: string[] }[] = [];

  before(async function () {
    tmp = mkdtempSync(join(tmpdir(), 'cws-corpus-oracle-'));
    const stub = join(tmp, 'docker');
    writeFileSync(stub, `#!/bin/sh\n[ "$1" = ps ] && exit 0\necho "unexpected docker $*" >&2\nexit 1\n`);
    chmodSync(stub, 0o755);
    const cliTmp = join(tmp, 'cli');
    // A few at a time: each is a Node process of its own.
    const queue = [...configs];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let rel = queue.shift(); rel; rel = queue.shift()) {
          const project = rel.split('/')[0];
          const folder = join(tmp, 'w', project, project);
          cpSync(join(CORPUS, project), folder, { recursive: true });
          const config = join(tmp, 'w', project, rel);
          const args = ['read-configuration', '--workspace-folder', folder, '--config', config, '--docker-path', stub];
          const r = await run(args, referenceEnv(cliTmp));
          const line = r.stdout.trim().split('\n').pop() ?? '';
          results.set(rel, {
            folder,
            config,
            ...(r.code === 0 && line.startsWith('{')
              ? { theirs: JSON.parse(line) as Theirs }
              : { error: r.stderr.trim().split('\n').slice(-3).join(' ') }),
          });
        }
      }),
    );
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    if (!rows.length) return;
    const same = rows.reduce((n, r) => n + r.same, 0);
    const compared = rows.reduce((n, r) => n + r.compared, 0);
    console.log(`      corpus oracle: ${rows.length} configs, ${compared} aspects compared, ${same} the same`);
    for (const r of rows.filter((x) => x.known.length)) console.log(`      ${r.config}: ${r.known.join('; ')}`);
  });

  it('reads the whole corpus (38 configs)', () => {
    assert.equal(configs.length, 38);
  });

  for (const rel of configs)
    it(`${rel}: same workspace folder, mount, containerEnv and users`, async () => {
      const got = results.get(rel)!;
      const ctx = await detectDirectory(got.folder, { env: {} });
      const source = workspaceSources(ctx).find((s) => s.devcontainer?.path === got.config);
      if (!got.theirs) assert.fail(`the reference CLI could not read it: ${got.error}`);
      assert.ok(source, `we found no workspace source for ${rel}`);
      const plan = planWorkspace(got.folder, source, { runtime: 'docker', env: {} });
      const theirs = got.theirs;
      const cfg = theirs.configuration;
      const isCompose = typeof cfg.dockerComposeFile !== 'undefined';
      const aspects: [string, string, string][] = [
        ['workspaceFolder', plan.workspaceFolder, theirs.workspace?.workspaceFolder ?? '(none)'],
        [
          'workspaceMount',
          isCompose
            ? '(none)'
            : plan.mount
              ? `${plan.mount.type} ${plan.mount.source} -> ${plan.mount.target}`
              : '(none)',
          isCompose ? '(none)' : mountFields(theirs.workspace?.workspaceMount),
        ],
        [
          'containerEnv',
          JSON.stringify(Object.entries(plan.env).sort()),
          JSON.stringify(Object.entries(cfg.containerEnv ?? {}).sort()),
        ],
        ['remoteUser', plan.remoteUser ?? '(none)', typeof cfg.remoteUser === 'string' ? cfg.remoteUser : '(none)'],
        [
          'containerUser',
          plan.containerUser ?? '(none)',
          typeof cfg.containerUser === 'string' ? cfg.containerUser : '(none)',
        ],
      ];
      const wrong: string[] = [];
      const known: string[] = [];
      let same = 0;
      for (const [aspect, ours, ref] of aspects) {
        if (ours === ref) same++;
        else if (KNOWN[`${rel.split('/')[0]}/${aspect}`])
          known.push(`${aspect}: ${KNOWN[`${rel.split('/')[0]}/${aspect}`]}`);
        else wrong.push(`${aspect}\n  ours:   ${ours}\n  theirs: ${ref}`);
      }
      rows.push({ config: rel, same, compared: aspects.length, known });
      assert.deepEqual(wrong, []);
    });
});
