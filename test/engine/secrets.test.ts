// Secrets stay out of what we print and log. A secret-looking environment variable reaches a
// workspace container through its dev container config (`containerEnv` from `${localEnv:…}`), and
// a registry password sits in the Docker config we read; `cws` then does its usual work (create,
// ls, inspect, logs, exec, a broken context, a malformed config.json) and everything it printed is
// kept as a transcript under test-results/transcripts/. Neither secret may be in it — checked here
// and, for every log the whole suite leaves, by scripts/lib/secretScan.mjs at the end of `npm test`
// (which sets CWS_TEST_SECRET_TOKEN and CWS_TEST_REGISTRY_PASSWORD for the run; a run of this file
// alone makes up its own).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENGINE_SOCKETS, TEST_IMAGE, engineCli, requireEngine, type EngineId } from '../support/engines';
import { repoRoot, resultsDir } from '../support/paths';

const SECRET = process.env.CWS_TEST_SECRET_TOKEN || `cws-s3cr3t-${randomBytes(8).toString('hex')}`;
const REGISTRY_PASSWORD = process.env.CWS_TEST_REGISTRY_PASSWORD || `cws-regpw-${randomBytes(8).toString('hex')}`;
const REGISTRY_AUTH = Buffer.from(`cws-user:${REGISTRY_PASSWORD}`).toString('base64');
const CWS = join(repoRoot, 'dist', 'cws.js');
const transcripts = join(resultsDir, 'transcripts');

type Scan = (roots: string[], secrets: string[]) => { file: string; secret: string }[];
async function scanner(): Promise<Scan> {
  const m = (await import(pathToFileURL(join(repoRoot, 'scripts/lib/secretScan.mjs')).href)) as {
    scanForSecrets: Scan;
  };
  return m.scanForSecrets;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`secrets on ${engine}: not in cws's output (real engine)`, function () {
    this.timeout(180_000);
    const endpointUrl = `unix://${ENGINE_SOCKETS[engine]}`;
    const engineEnv =
      engine === 'docker'
        ? { CONTAINER_RUNTIME: 'docker', DOCKER_HOST: endpointUrl }
        : { CONTAINER_RUNTIME: 'podman', CONTAINER_HOST: endpointUrl };
    // Outside every folder the scan reads: the config files here hold the password on purpose.
    const fixtures = mkdtempSync(join(tmpdir(), 'secrets-fixture-'));
    const folder = join(fixtures, 'app');
    const transcript = join(transcripts, `secrets-${engine}.log`);

    /** Runs cws (argument array), the secrets in its environment; all it prints goes to the transcript. */
    const cws = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [CWS, ...args],
          {
            env: { ...process.env, ...engineEnv, CWS_TEST_SECRET_TOKEN: SECRET, ...env },
            timeout: 120_000,
          },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
            appendFileSync(transcript, `$ cws ${args.join(' ')}\n${stdout}${stderr}(exit ${code})\n\n`);
            resolve({ code, stdout, stderr });
          },
        );
      });

    before(function () {
      requireEngine(this, engine);
      mkdirSync(transcripts, { recursive: true });
      writeFileSync(transcript, '');
      mkdirSync(join(folder, '.devcontainer'), { recursive: true });
      writeFileSync(
        join(folder, '.devcontainer/devcontainer.json'),
        JSON.stringify({
          name: 'secrets',
          image: TEST_IMAGE,
          containerEnv: { CWS_TEST_SECRET_TOKEN: '${localEnv:CWS_TEST_SECRET_TOKEN}' },
          postCreateCommand: 'echo post-create ran',
        }),
      );
    });

    after(async () => {
      {
        const ids = (
          await engineCli(engine, ['ps', '-aq', '--filter', `label=dev.containerworkspaces.workspace=${folder}`]).catch(
            () => '',
          )
        )
          .split('\n')
          .filter(Boolean);
        if (ids.length) await engineCli(engine, ['rm', '-f', ...ids]).catch(() => undefined);
      }
      rmSync(fixtures, { recursive: true, force: true });
    });

    it('a secret passed to the workspace container as containerEnv reaches it, and is printed nowhere', async () => {
      const created = await cws(['create', folder]);
      assert.equal(created.code, 0, created.stderr.replaceAll(SECRET, '<secret>'));
      // The container has it (compared by digest, so the value itself is never printed).
      const digest = await cws([
        'exec',
        '--workspace',
        folder,
        '--',
        'sh',
        '-c',
        'printf %s "$CWS_TEST_SECRET_TOKEN" | sha256sum',
      ]);
      assert.equal(digest.code, 0, digest.stderr);
      assert.equal(digest.stdout.split(/\s/)[0], sha(SECRET), 'the container has the secret');
      const name = created.stdout.trim().split(/\s+/)[0];
      for (const args of [['ls'], ['ls', '--json'], ['inspect', name], ['logs', name], ['stats', name]]) {
        const r = await cws(args);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      }
      const scan = await scanner();
      assert.deepEqual(scan([transcript], [SECRET]), [], 'the transcript holds the secret');
    });

    it('a registry password in config.json is never quoted: a missing context, a malformed file', async () => {
      const config = join(fixtures, `docker-config-${engine}`);
      mkdirSync(config, { recursive: true });
      writeFileSync(
        join(config, 'config.json'),
        JSON.stringify({
          auths: { 'registry.invalid': { auth: REGISTRY_AUTH, password: REGISTRY_PASSWORD } },
          currentContext: 'cws-no-such-context',
        }),
      );
      const noDockerHost = { CONTAINER_RUNTIME: 'docker', DOCKER_HOST: '', DOCKER_CONFIG: config };
      const missing = await cws(['ls'], noDockerHost);
      assert.notEqual(missing.code, 0, missing.stdout);
      assert.match(missing.stderr, /cws-no-such-context/, 'the context is named');
      // Cut short inside the credentials: a parse error, which must not show the text around it.
      writeFileSync(
        join(config, 'config.json'),
        `{"auths":{"registry.invalid":{"password":"${REGISTRY_PASSWORD}","auth":"${REGISTRY_AUTH}"`,
      );
      const malformed = await cws(['ls'], noDockerHost);
      assert.notEqual(malformed.code, 0);
      assert.match(malformed.stderr, /config\.json/, 'the file is named');
      const contextJson = await cws(['runtimes', '--json'], noDockerHost);
      assert.ok(contextJson.code === 0 || contextJson.code === 1, contextJson.stderr);
      const scan = await scanner();
      assert.deepEqual(scan([transcript], [REGISTRY_PASSWORD, REGISTRY_AUTH]), [], 'the transcript holds the password');
    });
  });
}
