// Our Compose detection agrees with Debian's docker-compose (v1, 1.29.2) on every fixture project it
// accepts: the service names of `docker-compose config --services`, and per service the image,
// build (context, dockerfile, target), container_name, ports, profiles and depends_on of
// `docker-compose config`. `config` needs no engine, only the docker-compose program.
//
// docker-compose v1 is an older tool than the Compose v2 rules detection follows. Where they differ
// the fixture is still compared on what v1 does read, and the difference is written down here:
//  - v1 prefers docker-compose.yml over compose.yaml (v2, and we, the reverse): two-bases is run
//    with `-f compose.yaml`, the file Compose v2 reads;
//  - v1 does not know podman-compose.yaml: podman is run with `-f podman-compose.yaml`;
//  - v1 still reads the legacy format (services at the top level); v2 does not, and we warn instead:
//    legacy-v1 asserts that difference rather than agreement;
//  - v1 rejects the top-level `name:`, the long port syntax's host_ip/name/app_protocol, the merge
//    tags !reset/!override, and refuses to run with two override files; those fixtures are listed
//    as rejected and not compared (they are covered by test/unit/compose.test.ts).
// Fixtures v1 rejects are not test cases here (neither passed nor failed); they are printed.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { detectCompose } from '../../src/core/detection/compose';
import { findProjects } from '../../src/core/detection/compose/files';
import type { ComposePort, ComposeProject } from '../../src/core/detection/types';
import { isCI } from '../support/engines';
import { fixturesDir, listFixture, read } from '../support/fixtures';

const root = join(fixturesDir, 'compose');
/** One environment for both sides: nothing from this machine but PATH (the fixtures' .env files apply). */
const ENV: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

/** Projects run with explicit files because v1's own lookup differs (see the header). */
const EXPLICIT_FILES: Record<string, { files: string[]; why: string }> = {
  'two-bases': {
    files: ['compose.yaml'],
    why: 'v1 would read docker-compose.yml first; Compose v2 reads compose.yaml',
  },
  podman: { files: ['podman-compose.yaml'], why: 'v1 does not look for podman-compose.yaml' },
};
/** Projects where v1 knowingly reads more than Compose v2: the difference itself is asserted. */
const V1_ONLY_FORMAT = new Set(['legacy-v1']);

interface Job {
  label: string;
  cwd: string;
  files: string[];
}
interface Outcome {
  ok: boolean;
  services: string[];
  config: unknown;
  error: string;
}

function dockerComposeVersion(): string | undefined {
  try {
    return execFileSync('docker-compose', ['version', '--short'], {
      env: ENV,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 30_000,
    }).trim();
  } catch {
    return undefined;
  }
}

/**
 * Runs `docker-compose [-f …] config --services`, then (when it succeeds) `config`, for every job,
 * several at a time, in one
 * synchronous child process: mocha needs the list of test cases (the projects v1 accepts) before
 * any test runs.
 */
function runOracle(jobs: Job[]): Record<string, Outcome> {
  const script = `
    const { execFile } = require('node:child_process');
    const { jobs, env } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    const run = (cwd, args) => new Promise((res) => execFile('docker-compose', args, { cwd, env, timeout: 60000, maxBuffer: 8 << 20 },
      (err, stdout, stderr) => res({ ok: !err, stdout, stderr })));
    const out = {};
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        const f = job.files.flatMap((x) => ['-f', x]);
        const names = await run(job.cwd, [...f, 'config', '--services']);
        const full = names.ok ? await run(job.cwd, [...f, 'config']) : names;
        out[job.label] = { names, full };
      }
    };
    const width = Math.max(2, require('node:os').availableParallelism?.() ?? 2) + 1;
    Promise.all(Array.from({ length: width }, worker)).then(() => process.stdout.write(JSON.stringify(out)));
  `;
  const raw = execFileSync(process.execPath, ['-e', script], {
    input: JSON.stringify({ jobs, env: ENV }),
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 32 << 20,
  });
  const results = JSON.parse(raw) as Record<
    string,
    { names: { ok: boolean; stdout: string; stderr: string }; full: { ok: boolean; stdout: string; stderr: string } }
  >;
  const out: Record<string, Outcome> = {};
  for (const [label, { names, full }] of Object.entries(results)) {
    const ok = names.ok && full.ok;
    const error = (names.stderr || full.stderr)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^(Found multiple|Using )/.test(l))
      .slice(0, 2)
      .join(' ');
    out[label] = {
      ok,
      services: names.stdout.split('\n').filter(Boolean),
      config: ok ? parse(full.stdout) : undefined,
      error,
    };
  }
  return out;
}

/** Every project directory of every fixture, as our lookup finds them (synchronously). */
function fixtureJobs(): { fixture: string; job: Job }[] {
  const out: { fixture: string; job: Job }[] = [];
  for (const fixture of readdirSync(root).sort()) {
    const dir = join(root, fixture);
    for (const p of findProjects(listFixture(dir)).projects) {
      const cwd = join(dir, p.dir);
      const label = relative(root, cwd).split('\\').join('/');
      out.push({ fixture, job: { label, cwd, files: EXPLICIT_FILES[label]?.files ?? [] } });
    }
  }
  return out;
}

type Svc = Record<string, unknown>;

/** v1's `config` ports, one entry per port (it expands ranges): "hostIp|published|target/protocol". */
function theirPorts(v: unknown): string[] {
  return (Array.isArray(v) ? v : [])
    .map((p) => {
      if (typeof p === 'object' && p !== null) {
        // The long syntax as `config` prints it.
        const o = p as { host_ip?: string; published?: string | number; target?: number; protocol?: string };
        return `${o.host_ip ?? ''}|${o.published ?? ''}|${o.target}/${o.protocol ?? 'tcp'}`;
      }
      // "127.0.0.1:8443:443/tcp", "::1:6060:6060/tcp", "127.0.0.1::9090/tcp", "8080:80/tcp"
      const [spec, protocol = 'tcp'] = String(p).split('/');
      const parts = spec.split(':');
      const target = parts.pop();
      const published = parts.length ? parts.pop() : '';
      return `${parts.join(':')}|${published}|${target}/${protocol}`;
    })
    .sort();
}

/** Ours in the same shape: a published range is one entry per port, as v1 prints it. */
function ourPorts(ports: ComposePort[]): string[] {
  return ports
    .flatMap((p) => {
      const [a, b = a] = (p.published ?? '').split('-').map(Number);
      if (!p.published) return [`${p.hostIp ?? ''}||${p.target}/${p.protocol}`];
      return Array.from({ length: b - a + 1 }, (_, i) => `${p.hostIp ?? ''}|${a + i}|${p.target + i}/${p.protocol}`);
    })
    .sort();
}

function compare(ours: ComposeProject, theirs: Outcome): void {
  assert.deepEqual(ours.services.map((s) => s.name).sort(), [...theirs.services].sort(), 'service names');
  const services = (theirs.config as { services?: Record<string, Svc> })?.services ?? {};
  for (const s of ours.services) {
    const t = services[s.name] ?? {};
    const build = t.build as Record<string, string> | undefined;
    const mine = {
      image: s.image,
      containerName: s.containerName,
      build: s.build && { context: s.build.context, dockerfile: s.build.dockerfile, target: s.build.target },
      ports: ourPorts(s.ports),
      profiles: [...s.profiles].sort(),
      dependsOn: [...s.dependsOn].sort(),
    };
    const v1 = {
      image: t.image as string | undefined,
      containerName: t.container_name as string | undefined,
      build: build && { context: build.context, dockerfile: build.dockerfile, target: build.target },
      ports: theirPorts(t.ports),
      profiles: [...((t.profiles as string[] | undefined) ?? [])].sort(),
      dependsOn: Object.keys((t.depends_on as Record<string, unknown> | undefined) ?? {}).sort(),
    };
    assert.deepEqual(mine, v1, `service ${s.name}`);
  }
}

describe('Compose detection agrees with docker-compose v1 (`config --services`, `config`)', function () {
  this.timeout(120_000);
  const version = dockerComposeVersion();
  if (!version) {
    it('needs docker-compose (v1)', function () {
      const why =
        'docker-compose (v1) is not installed (apt-get install docker-compose; scripts/setup-engines.sh does it on Debian)';
      if (isCI) throw new Error(`${why}; CI needs it.`);
      console.log(`      skipping: ${why}`);
      this.skip();
    });
    return;
  }

  const jobs = fixtureJobs();
  const oracle = runOracle(jobs.map((j) => j.job));
  const rejected = jobs.filter(({ job }) => !oracle[job.label].ok);
  const detected = new Map<string, Promise<ComposeProject[]>>();
  const ours = async (fixture: string, cwd: string) => {
    if (!detected.has(fixture))
      detected.set(
        fixture,
        detectCompose(join(root, fixture), listFixture(join(root, fixture)), read, ENV).then((r) => r.projects),
      );
    const project = (await detected.get(fixture)!).find((p) => p.workingDir === cwd);
    return project;
  };

  before(() => {
    console.log(`      docker-compose ${version}; compared on its own file lookup unless noted:`);
    for (const [label, { files, why }] of Object.entries(EXPLICIT_FILES))
      console.log(`        ${label}: -f ${files.join(' -f ')} (${why})`);
    console.log(`      not compared, docker-compose v1 rejects them (${rejected.length}):`);
    for (const { job } of rejected) console.log(`        ${job.label}: ${oracle[job.label].error}`);
  });

  for (const { fixture, job } of jobs) {
    const theirs = oracle[job.label];
    if (!theirs.ok) continue;
    if (V1_ONLY_FORMAT.has(job.label)) {
      it(`${job.label}: v1 reads the legacy top-level services, Compose v2 does not and we warn`, async () => {
        const r = await detectCompose(job.cwd, listFixture(job.cwd), read, ENV);
        assert.deepEqual(
          r.projects.map((p) => p.services.length),
          [0],
        );
        assert.match(r.diagnostics[0]?.message ?? '', /top-level `services:`/);
        assert.ok(theirs.services.length > 0, 'v1 lists the legacy services');
      });
      continue;
    }
    it(`${job.label}: ${theirs.services.length} service(s) as v1 reads them`, async () => {
      const project = await ours(fixture, job.cwd);
      assert.ok(project, `we detect a project in ${job.label}`);
      compare(project, theirs);
    });
  }

  it('compares enough fixture projects to mean something', () => {
    const compared = jobs.filter(({ job }) => oracle[job.label].ok && !V1_ONLY_FORMAT.has(job.label));
    assert.ok(compared.length >= 15, `only ${compared.length} compared`);
  });
});
