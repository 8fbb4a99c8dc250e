// `cws context` (the built dist/cws.js): the detected model as JSON, and a readable summary.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir } from '../support/fixtures';
import { repoRoot } from '../support/paths';

function cws(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'dist/cws.js'), ...args], { timeout: 30_000 }, (err, stdout) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout }),
    );
  });
}

describe('cws context', () => {
  it('--json prints the detected model of a directory', async () => {
    const dir = join(fixturesDir, 'workspaces/sample');
    const r = await cws(['context', dir, '--json']);
    assert.equal(r.code, 0);
    const c = JSON.parse(r.stdout) as {
      folder: string;
      primary: string;
      composeProjects: { name: string; services: { name: string }[] }[];
    };
    assert.deepEqual([c.folder, c.primary], [dir, 'compose']);
    assert.deepEqual(
      c.composeProjects.map((p) => [p.name, p.services.map((s) => s.name)]),
      [['cws-sample', ['app', 'worker']]],
    );
  });

  it('the summary names what it found and the problems, with file:line:column', async () => {
    const r = await cws(['context', join(fixturesDir, 'workspaces/broken-compose')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\(primary: dockerfile\)/);
    assert.match(r.stdout, /error\s+compose\.yaml:8:12: Missing closing double quote/);
  });

  describe("a dev container config's Features and hooks", () => {
    const features = join(fixturesDir, 'workspaces/create-features');
    type Config = { features: { id: string; options: unknown }[]; hooks: Record<string, unknown> };
    const configs = async (dir: string) => {
      const r = await cws(['context', dir, '--json']);
      assert.equal(r.code, 0);
      return (JSON.parse(r.stdout) as { devcontainers: Config[] }).devcontainers;
    };
    let tmp: string;
    /** A folder with this devcontainer.json. */
    const folder = (config: unknown) => {
      tmp = mkdtempSync(join(tmpdir(), 'cws-context-'));
      mkdirSync(join(tmp, '.devcontainer'));
      writeFileSync(join(tmp, '.devcontainer/devcontainer.json'), JSON.stringify(config));
      return tmp;
    };
    afterEach(() => {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    it('the summary lists them under the config: Feature references, hook names in the spec order', async () => {
      const r = await cws(['context', features]);
      assert.equal(r.code, 0);
      const lines = r.stdout.split('\n');
      const at = lines.findIndex((l) => l.startsWith('  dev container  .devcontainer/devcontainer.json: image '));
      assert.ok(at > 0, r.stdout);
      assert.deepEqual(lines.slice(at + 1, at + 3), [
        '                 features: ./greeter',
        '                 hooks: onCreateCommand, updateContentCommand, postCreateCommand, postStartCommand',
      ]);
    });

    it('--json: each config has features [{id, options}] and hooks {name: command as written}', async () => {
      const [c] = await configs(features);
      assert.deepEqual(
        c.features.map((f) => ({ id: f.id, options: f.options })),
        [{ id: './greeter', options: { greeting: 'hi there' } }],
      );
      assert.deepEqual(c.hooks, {
        onCreateCommand: 'echo onCreate >> hooks.log',
        updateContentCommand: ['/bin/sh', '-c', 'echo updateContent >> hooks.log'],
        postCreateCommand: { a: 'echo postCreate-a >> hooks.log', env: 'echo "$CWS_REMOTE" > remote-env.txt' },
        postStartCommand: 'echo "postStart $CWS_REMOTE" >> hooks.log',
      });
    });

    it('every hook, written out of order, in the spec order (text and JSON), with waitFor; no env values', async () => {
      const hooks = [
        'postAttachCommand',
        'postStartCommand',
        'postCreateCommand',
        'updateContentCommand',
        'onCreateCommand',
        'initializeCommand',
      ];
      const dir = folder({
        image: 'debian',
        features: { './hello': {}, 'ghcr.io/devcontainers/features/node:1': '20' },
        waitFor: 'postCreateCommand',
        containerEnv: { SECRET_A: 'value-a' },
        ...Object.fromEntries(hooks.map((h) => [h, `echo ${h}`])),
      });
      const r = await cws(['context', dir]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /\n {17}features: \.\/hello, ghcr\.io\/devcontainers\/features\/node:1\n/);
      const inOrder = [...hooks].reverse();
      assert.ok(
        r.stdout.includes(`\n                 hooks: ${inOrder.join(', ')} (waitFor: postCreateCommand)`),
        r.stdout,
      );
      assert.doesNotMatch(r.stdout, /value-a/);
      const [c] = await configs(dir);
      assert.deepEqual(Object.keys(c.hooks), inOrder);
      assert.deepEqual(
        c.features.map((f) => [f.id, f.options]),
        [
          ['./hello', {}],
          ['ghcr.io/devcontainers/features/node:1', '20'],
        ],
      );
    });

    it('a config with neither has no such lines, and "hooks": {}', async () => {
      const dir = folder({ image: 'debian' });
      const r = await cws(['context', dir]);
      assert.doesNotMatch(r.stdout, /features:|hooks:/);
      assert.deepEqual((await configs(dir))[0].hooks, {});
    });

    it('Feature references from the file are escaped in the summary', async () => {
      const dir = folder({ image: 'debian', features: { './evil\u001b]0;pwned\u0007\n': {} } });
      const r = await cws(['context', dir]);
      assert.ok(r.stdout.includes('features: ./evil\\x1b]0;pwned\\x07\\n'), r.stdout);
      assert.ok(!r.stdout.includes('\u001b') && !r.stdout.includes('\u0007'), r.stdout);
    });
  });
});
