// The Compose tool layer against the real engines: findComposeTool finds the tool installed here
// (Debian's docker-compose 1.29.2: no `docker compose` plugin, no `podman compose`), and a project
// in a folder with a space and unicode in its name is brought up and down through runCompose on
// dockerd and on Podman's socket, checked with the engine's own CLI.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  clearComposeToolCache,
  composeInvocation,
  findComposeTool,
  parseComposeVersion,
  runCompose,
  type ComposeProjectRef,
  type ComposeTool,
} from '../../src/core/compose/composeTool';
import {
  ENGINE_SOCKETS,
  TEST_IMAGE,
  TEST_LABEL,
  engineCli,
  removeTestContainers,
  requireEngine,
  uniqueName,
  type EngineId,
} from '../support/engines';

const run = promisify(execFile);

/** The version the tool itself prints, run here directly. */
async function ownVersion(tool: ComposeTool): Promise<string | undefined> {
  const args =
    tool.flavor === 'docker-compose' || tool.flavor === 'podman-compose' ? ['--version'] : ['compose', 'version'];
  const program = tool.flavor === 'docker-compose' ? 'docker-compose' : tool.command;
  const { stdout } = await run(program, args, { timeout: 30_000 });
  return parseComposeVersion(stdout);
}

interface Labelled {
  id: string;
  labels: Record<string, string>;
}

/** The project's containers as the engine's CLI sees them. */
async function projectContainers(id: EngineId, project: string): Promise<Labelled[]> {
  const ids = (await engineCli(id, ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`]))
    .split('\n')
    .filter(Boolean);
  if (!ids.length) return [];
  const list = JSON.parse(await engineCli(id, ['inspect', ...ids])) as {
    Id: string;
    Config: { Labels: Record<string, string> | null };
  }[];
  return list.map((c) => ({ id: c.Id, labels: c.Config.Labels ?? {} }));
}

for (const engine of ['docker', 'podman'] as const) {
  describe(`Compose tool on ${engine}`, function () {
    const endpointUrl = `unix://${ENGINE_SOCKETS[engine]}`;
    const dir = mkdtempSync(join(tmpdir(), `cws compose ünï ${engine}-`));
    const service = 'web';
    const project: ComposeProjectRef = {
      name: uniqueName(`cwscompose-${engine}`),
      workingDir: dir,
      files: [join(dir, 'compose.yaml')],
    };
    let tool: ComposeTool;

    const compose = async (verbArgs: string[], signal?: AbortSignal) => {
      const lines: { line: string; stream: 'stdout' | 'stderr' }[] = [];
      const r = await runCompose(composeInvocation(tool, project, verbArgs, { endpointUrl }), {
        signal,
        onLine: (line, stream) => lines.push({ line, stream }),
      });
      return { ...r, lines, stderr: lines.filter((l) => l.stream === 'stderr').map((l) => l.line) };
    };

    before(async function () {
      requireEngine(this, engine);
      // YAML is a superset of JSON.
      writeFileSync(
        project.files[0],
        JSON.stringify(
          {
            services: {
              [service]: {
                image: TEST_IMAGE,
                command: ['sleep', '300'],
                labels: { [TEST_LABEL]: String(process.pid) },
              },
            },
          },
          null,
          2,
        ),
      );
      clearComposeToolCache();
      const found = await findComposeTool(engine);
      assert.ok(found, `no compose tool found for ${engine}`);
      tool = found;
    });

    after(async function () {
      this.timeout(120_000);
      if (tool) await compose(['down', '--timeout', '0']).catch(() => undefined);
      if (tool) await removeTestContainers(engine).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    });

    it('finds the tool installed here, with the version it prints itself', async () => {
      assert.ok(tool.command.startsWith('/'), `absolute path: ${tool.command}`);
      assert.equal(tool.version, await ownVersion(tool));
      assert.ok(tool.label.endsWith(tool.version), tool.label);
      if (tool.flavor === 'docker-compose') {
        const { stdout } = await run('docker-compose', ['--version'], { timeout: 30_000 });
        assert.equal(tool.version, parseComposeVersion(stdout));
        assert.deepEqual(tool.prefix, []);
      }
      assert.equal(await findComposeTool(engine), tool, 'a second look comes from the cache');
    });

    it('up -d starts the service, labelled as the project and service', async () => {
      const r = await compose(['up', '-d']);
      assert.equal(r.exitCode, 0, r.lines.map((l) => l.line).join('\n'));
      const cs = await projectContainers(engine, project.name);
      assert.equal(cs.length, 1, JSON.stringify(cs));
      assert.equal(cs[0].labels['com.docker.compose.project'], project.name);
      assert.equal(cs[0].labels['com.docker.compose.service'], service);
      assert.equal(cs[0].labels[TEST_LABEL], String(process.pid));
      const running = await engineCli(engine, [
        'ps',
        '-q',
        '--no-trunc',
        '--filter',
        `label=com.docker.compose.project=${project.name}`,
      ]);
      assert.ok(running.includes(cs[0].id.slice(0, 12)), 'it runs');
    });

    it('a failing verb resolves with a non-zero exit code and says why on stderr', async () => {
      const r = await compose(['up', '-d', 'nosuchservice']);
      assert.notEqual(r.exitCode, 0);
      assert.equal(r.aborted, false);
      assert.ok(
        r.stderr.some((l) => /nosuchservice/i.test(l)),
        r.stderr.join('\n'),
      );
    });

    it('abort ends a long-running `logs -f` quickly', async () => {
      const ac = new AbortController();
      const t0 = Date.now();
      const timer = setTimeout(() => ac.abort(), 1_500);
      const r = await compose(['logs', '-f'], ac.signal);
      clearTimeout(timer);
      assert.equal(r.aborted, true);
      // Not aborted, `logs -f` runs for ever: any end well inside the test's time-out is the abort.
      assert.ok(Date.now() - t0 < 1_500 + 20_000, `took ${Date.now() - t0} ms`);
    });

    it('down removes it', async () => {
      const r = await compose(['down', '--timeout', '1']);
      assert.equal(r.exitCode, 0, r.lines.map((l) => l.line).join('\n'));
      assert.deepEqual(await projectContainers(engine, project.name), []);
    });
  });
}
