// The reference implementation as oracle, on the same engine: @devcontainers/cli (devDependency,
// never bundled) builds and starts a container from one copy of a fixture folder (`up`), we create
// ours from another copy of the same folder; both run on the Debian test image (mmdebstrap, so
// Features' install.sh scripts get bash, apt and /etc/group as they do for users). Compared: the
// merged configuration's hooks and host options (`read-configuration --include-merged-configuration`)
// with the hooks we ran, and the two containers' env, users, mounts, host options and the files
// their Features and hooks wrote. Every difference either is listed in KNOWN with why it is right,
// or fails the test; the table is printed for the closing note.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectDirectory } from '../../src/core/detection/detect';
import { LABELS } from '../../src/core/runtime/labels';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import { createWorkspaceContainer, workspaceSources } from '../../src/core/workspace';
import {
  DEBIAN_IMAGE,
  ENGINE_SOCKETS,
  engineRuntime,
  TEST_LABEL,
  engineCli,
  requireDebianImage,
  requireEngine,
  type EngineId,
} from '../support/engines';
import { recordingHooks, type HookCall } from '../support/hooks';
import { repoRoot } from '../support/paths';
import { REFERENCE_CLI, referenceEnv } from '../support/referenceCli';

const CLI = REFERENCE_CLI;
const FIXTURES = join(repoRoot, 'test/fixtures/workspaces');
const ORACLE_LABEL = 'dev.containerworkspaces.test.oracle';

interface Corpus {
  fixture: string;
  /** Commands run in both containers as the remote user; their output is compared. */
  files: string[][];
  /** Files in the workspace folder (on the host) that hooks wrote, compared line by line. */
  hostFiles: string[];
}

const CORPUS: Corpus[] = [
  {
    fixture: 'create-features',
    files: [
      ['cat', '/opt/hello/installed'],
      ['cat', '/opt/hello/greeting'],
    ],
    hostFiles: ['hooks.log', 'remote-env.txt'],
  },
  {
    fixture: 'oracle-image-shape',
    files: [
      ['cat', '/tmp/post-create.txt'],
      ['cat', '/data/hello.txt'],
    ],
    hostFiles: [],
  },
  {
    fixture: 'oracle-build-users',
    files: [
      ['cat', '/tmp/post-create.txt'],
      ['cat', '/opt/base/marker'],
    ],
    hostFiles: [],
  },
];

/**
 * Differences that are right, by aspect (`<fixture>/<aspect>` or `*\/<aspect>`), with why. The
 * aspects themselves are compared only where both sides mean the same thing.
 */
const KNOWN: Record<string, string> = {
  '*/reference up':
    'rootful Podman: for a non-root remoteUser the reference always runs `podman run --userns=keep-id` ' +
    '(also with --update-remote-user-uid-default off), which rootful Podman refuses, so it cannot create ' +
    'this container at all; ours is created and runs as the remote user. Compared on dockerd.',
};

/** One aspect of both containers, as a row of the table. */
interface Row {
  engine: EngineId;
  fixture: string;
  aspect: string;
  same: boolean;
  ours: string;
  theirs: string;
  why?: string;
}
const TABLE: Row[] = [];

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** The last JSON line the reference CLI printed. */
function lastJson(stdout: string): Record<string, unknown> {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  assert.ok(line, `the reference printed no JSON: ${stdout.slice(-500)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

interface Inspected {
  Config: { Env?: string[]; User?: string; Hostname?: string; Labels?: Record<string, string> };
  HostConfig: {
    CapAdd?: string[] | null;
    SecurityOpt?: string[] | null;
    Init?: boolean | null;
    Privileged?: boolean;
    Tmpfs?: Record<string, string> | null;
  };
  Mounts: { Type: string; Source: string; Destination: string; RW: boolean }[];
}

async function inspectCli(engine: EngineId, id: string): Promise<Inspected> {
  return (JSON.parse(await engineCli(engine, ['inspect', id])) as Inspected[])[0];
}

const caps = (list: string[] | null | undefined) =>
  [...new Set((list ?? []).map((c) => c.toUpperCase().replace(/^CAP_/, '')))].sort();

/** What is compared of one container, each aspect as text (the folder's path replaced by <folder>). */
async function shapeOf(
  engine: EngineId,
  rt: ContainerRuntime,
  id: string,
  folder: string,
  c: Corpus,
  remoteUser: string | undefined,
): Promise<Record<string, string>> {
  const d = await inspectCli(engine, id);
  const rel = (s: string) => s.split(folder).join('<folder>');
  const env = (d.Config.Env ?? [])
    .map(rel)
    .filter((e) => !e.startsWith('HOSTNAME='))
    .sort();
  const mounts = [
    ...d.Mounts.filter((m) => m.Type !== 'tmpfs').map(
      (m) => `${m.Type} ${m.Destination}${m.RW ? '' : ' ro'}${m.Type === 'bind' ? ` <- ${rel(m.Source)}` : ''}`,
    ),
    ...[
      ...Object.keys(d.HostConfig.Tmpfs ?? {}),
      ...d.Mounts.filter((m) => m.Type === 'tmpfs').map((m) => m.Destination),
    ]
      .filter((t, i, all) => all.indexOf(t) === i)
      .map((t) => `tmpfs ${t}`),
  ].sort();
  const out: Record<string, string> = {
    env: env.join('\n'),
    containerUser: d.Config.User || '(image default)',
    mounts: mounts.join('\n'),
    capAdd: caps(d.HostConfig.CapAdd).join(' '),
    securityOpt: [...(d.HostConfig.SecurityOpt ?? [])]
      .filter((o) => !/^label=/.test(o))
      .sort()
      .join(' '),
    init: String(!!d.HostConfig.Init),
    privileged: String(!!d.HostConfig.Privileged),
    hostname: d.Config.Hostname === 'shape-box' ? 'shape-box' : '(engine default)',
    runArgsLabel: d.Config.Labels?.['cws.oracle.runarg'] ?? '(none)',
  };
  for (const cmd of [['id', '-un'], ...c.files]) {
    const r = await rt.exec(id, { cmd, ...(remoteUser ? { user: remoteUser } : {}) });
    out[`exec ${cmd.join(' ')}`] =
      `${r.exitCode === 0 ? '' : `exit ${r.exitCode}: ${r.stderr.trim()} `}${rel(r.stdout.trim())}`;
  }
  for (const f of c.hostFiles) {
    let text: string;
    try {
      text = readFileSync(join(folder, f), 'utf8').trim();
    } catch {
      text = '(missing)';
    }
    out[`host ${f}`] = rel(text);
  }
  return out;
}

/** A hook's commands as text, in order, each entry of an object form named and sorted (they run in parallel). */
function hookText(command: unknown): string[] {
  if (typeof command === 'string') return [command];
  if (Array.isArray(command)) return [command.join(' ')];
  if (command && typeof command === 'object')
    return Object.entries(command)
      .map(([k, v]) => `${k}: ${hookText(v)[0]}`)
      .sort();
  return [];
}

/** Our recorded calls by hook, as the reference's merged configuration writes them. */
function ourHooks(calls: HookCall[]): Record<string, string> {
  const by: Record<string, string[]> = {};
  for (const call of calls) {
    const text =
      call.argv[0] === '/bin/sh' && call.argv[1] === '-c' && call.argv.length === 3
        ? call.argv[2]
        : call.argv.join(' ');
    (by[call.hook] ??= []).push(call.name !== undefined ? `${call.name}: ${text}` : text);
  }
  return Object.fromEntries(Object.entries(by).map(([h, list]) => [h, list.join('\n')]));
}

function theirHooks(merged: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const hook of ['onCreateCommand', 'updateContentCommand', 'postCreateCommand', 'postStartCommand']) {
    const list = (merged[`${hook}s`] as unknown[] | undefined) ?? [];
    // The reference runs a string as `/bin/sh -c` and an array as is; an object's entries side by side.
    const lines: string[] = [];
    for (const c of list) {
      if (Array.isArray(c) && c[0] === '/bin/sh' && c[1] === '-c' && c.length === 3) lines.push(String(c[2]));
      else if (c && typeof c === 'object' && !Array.isArray(c))
        lines.push(...hookText(c).map((l) => l.replace(/^([^:]+): \/bin\/sh -c /, '$1: ')));
      else lines.push(...hookText(c));
    }
    if (lines.length) out[hook] = lines.join('\n');
  }
  return out;
}

function record(engine: EngineId, fixture: string, aspect: string, ours: string, theirs: string): void {
  const why = KNOWN[`${fixture}/${aspect}`] ?? KNOWN[`*/${aspect}`];
  TABLE.push({ engine, fixture, aspect, same: ours === theirs, ours, theirs, ...(why ? { why } : {}) });
}

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`dev container configs against @devcontainers/cli on ${engine} (real engine, Debian image)`, function () {
    this.timeout(600_000);
    const root = mkdtempSync(join(tmpdir(), `cws-oracle-${engine}-`));
    const endpointUrl = `unix://${ENGINE_SOCKETS[engine]}`;
    let rt: ContainerRuntime;
    const theirContainers: string[] = [];
    const ourContainers: string[] = [];
    const images = new Set<string>();
    const ourFolders: string[] = [];

    before(async function () {
      requireEngine(this, engine);
      await requireDebianImage(this, engine);
      rt = engineRuntime(engine);
    });

    after(async function () {
      if (!rt) return;
      for (const id of [...theirContainers, ...ourContainers]) {
        const d = await rt.inspect(id).catch(() => undefined);
        // Only what was built here: never the base image the fixtures name.
        if (d && !/cws-test\//.test(d.image)) images.add(d.image);
        await rt.remove(id, { force: true }).catch(() => undefined);
      }
      for (const i of images) await engineCli(engine, ['rmi', '-f', i]).catch(() => undefined);
      // The reference's own build images (vsc-<folder>-<hash>…) and the named volumes of both.
      const theirImages = (await engineCli(engine, ['images', '--format', '{{.Repository}}:{{.Tag}}']))
        .split('\n')
        .filter((r) => /^(localhost\/)?((vsc|cws)-oracle-|dev_container_feature_content_temp:)/.test(r));
      for (const i of theirImages) await engineCli(engine, ['rmi', '-f', i]).catch(() => undefined);
      // What our builds left for these folders (labelled with the folder), dangling ones included.
      for (const dir of ourFolders) {
        const ids = await engineCli(engine, ['images', '-a', '-q', '--filter', `label=${LABELS.workspace}=${dir}`]);
        for (const i of new Set(ids.split('\n').filter(Boolean)))
          await engineCli(engine, ['rmi', '-f', i]).catch(() => undefined);
      }
      const volumes = (await engineCli(engine, ['volume', 'ls', '-q']))
        .split('\n')
        .filter((v) => v.startsWith('cws-oracle-'));
      for (const v of volumes) await engineCli(engine, ['volume', 'rm', '-f', v]).catch(() => undefined);
      void rt.close();
      rmSync(root, { recursive: true, force: true });
    });

    for (const c of CORPUS) {
      it(`${c.fixture}: the same merged configuration and the same container`, async () => {
        // Two copies with the same name (so /workspaces/<name> is the same), the image made Debian.
        const name = `oracle-${c.fixture.replace(/^oracle-/, '')}`;
        const copy = (side: string) => {
          const dir = join(root, side, name);
          mkdirSync(join(root, side), { recursive: true });
          cpSync(join(FIXTURES, c.fixture), dir, { recursive: true });
          const cfg = join(dir, '.devcontainer/devcontainer.json');
          const text = readFileSync(cfg, 'utf8').replace(/localhost\/cws-test\/busybox:latest/g, DEBIAN_IMAGE);
          writeFileSync(cfg, text);
          return dir;
        };
        const oursDir = copy('ours');
        ourFolders.push(oursDir);
        const theirsDir = copy('theirs');
        const cliTmp = mkdtempSync(join(root, 'tmp-'));
        const common = ['--workspace-folder', theirsDir, '--docker-path', engine];

        const read = await runNode(
          ['read-configuration', ...common, '--include-merged-configuration', '--log-format', 'json'],
          referenceEnv(cliTmp),
        );
        assert.equal(read.code, 0, read.stderr.slice(-2000));
        const merged = lastJson(read.stdout).mergedConfiguration as Record<string, unknown>;
        const upArgs = [
          'up',
          ...common,
          '--id-label',
          `${ORACLE_LABEL}=${process.pid}-${c.fixture}`,
          '--log-format',
          'json',
        ];
        const up = await runNode(upArgs, referenceEnv(cliTmp));
        const result = lastJson(up.stdout);
        assert.doesNotMatch(up.stderr, /control manifest/i, 'the reference stays off the network');
        // Rootful Podman: for a non-root remote user the reference runs `podman run --userns=keep-id`.
        const refused = result.outcome !== 'success' && /keep-id is only supported in rootless mode/.test(up.stderr);
        if (!refused) assert.equal(result.outcome, 'success', `${String(result.message)}\n${up.stderr.slice(-3000)}`);
        const theirId = String(result.containerId);
        if (!refused) theirContainers.push(theirId);
        const remoteUser = typeof result.remoteUser === 'string' ? result.remoteUser : undefined;

        const [source] = workspaceSources(await detectDirectory(oursDir, { env: process.env }));
        const hooks = recordingHooks(rt);
        const w = await createWorkspaceContainer(rt, {
          folder: oursDir,
          source: source,
          endpointUrl,
          labels: { [TEST_LABEL]: String(process.pid) },
          hooks: hooks.runner,
        });
        ourContainers.push(w.id);
        assert.equal(await w.hooksDone, undefined);
        if (!refused) assert.equal(w.remoteUser ?? 'root', remoteUser ?? 'root', 'the remote user');

        if (refused) {
          record(engine, c.fixture, 'reference up', 'created', 'error: keep-id is only supported in rootless mode');
          assert.equal((await rt.exec(w.id, { cmd: ['id', '-un'], user: w.remoteUser })).stdout.trim(), 'dev');
          return;
        }

        // Merged configuration: the hooks in order (Features' first) and the host options.
        const oursHooks = ourHooks(hooks.calls);
        const theirsHooks = theirHooks(merged);
        for (const hook of new Set([...Object.keys(oursHooks), ...Object.keys(theirsHooks)]))
          record(engine, c.fixture, `merged ${hook}s`, oursHooks[hook] ?? '(none)', theirsHooks[hook] ?? '(none)');

        // The containers.
        const ours = await shapeOf(engine, rt, w.id, oursDir, c, w.remoteUser);
        const theirs = await shapeOf(engine, rt, theirId, theirsDir, c, remoteUser);
        for (const aspect of Object.keys(ours)) record(engine, c.fixture, aspect, ours[aspect], theirs[aspect]);

        const wrong = TABLE.filter((r) => r.engine === engine && r.fixture === c.fixture && !r.same && !r.why);
        assert.deepEqual(
          wrong.map(
            (r) =>
              `${r.aspect}:\n  ours:   ${r.ours.replace(/\n/g, '\n          ')}\n  theirs: ${r.theirs.replace(/\n/g, '\n          ')}`,
          ),
          [],
        );
      });
    }

    after(() => {
      const rows = TABLE.filter((r) => r.engine === engine);
      if (!rows.length) return;
      const byFixture = new Map<string, Row[]>();
      for (const r of rows) byFixture.set(r.fixture, [...(byFixture.get(r.fixture) ?? []), r]);
      if (process.env.CWS_ORACLE_VERBOSE)
        for (const r of rows)
          console.log(`      ${r.fixture} ${r.aspect} ${r.same ? '==' : '!='}\n${r.ours}\n--\n${r.theirs}\n`);
      console.log(`\n      oracle on ${engine}: config | aspects compared | same | known differences`);
      for (const [fixture, list] of byFixture)
        console.log(
          `      ${fixture} | ${list.length} | ${list.filter((r) => r.same).length} | ${
            list
              .filter((r) => !r.same)
              .map((r) => `${r.aspect} (${r.why ?? 'UNEXPLAINED'})`)
              .join('; ') || '-'
          }`,
        );
    });
  });
}
