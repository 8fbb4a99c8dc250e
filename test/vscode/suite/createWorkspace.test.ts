// Create Workspace Container in the real extension host, on the real dockerd and Podman: from a dev
// container config (image), a Dockerfile (built from the local busybox) and a Compose service; a
// second create reuses; postCreateCommand runs once.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import type { WorkspaceContainer } from '../../../src/core/workspace';
import { engineCli, requireEngine, type EngineId } from '../../support/engines';
import { repoRoot } from '../../support/paths';
import { extensionInternals, setSetting, waitFor } from './helpers';

const fixture = (name: string) => join(repoRoot, 'test/fixtures/workspaces', name);

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`Create Workspace Container on ${engine}`, function () {
    this.timeout(180_000);
    let ext: ExtensionInternals;
    let root: string;
    const folders: string[] = [];
    /** A copy of a fixture in a folder whose name has a space, quotes and unicode (and `$()`). */
    const copy = (name: string) => {
      const dir = join(root, `${name} "q" $(touch pwned) ü`);
      cpSync(fixture(name), dir, { recursive: true });
      folders.push(dir);
      return dir;
    };
    const create = (folder: string, source: string) =>
      vscode.commands.executeCommand<WorkspaceContainer | undefined>('containerWorkspaces.createWorkspaceContainer', {
        folder,
        source,
      });

    before(async function () {
      requireEngine(this, engine);
      ext = await extensionInternals();
      root = mkdtempSync(join(tmpdir(), `cws-exthost-create-${engine}-`));
      await setSetting('runtime', engine);
      await waitFor(
        `${engine} ready`,
        () => (ext.session.runtimeId === engine && ext.session.state === 'ready') || undefined,
      );
    });
    after(async () => {
      // The engines' label filters do not match values with quotes: compare the labels here.
      const all = (
        await engineCli(engine, [
          'ps',
          '-aq',
          '--no-trunc',
          '--filter',
          'label=dev.containerworkspaces.workspace',
        ]).catch(() => '')
      )
        .split('\n')
        .filter(Boolean);
      for (const id of all) {
        const ws = await engineCli(engine, [
          'inspect',
          '-f',
          '{{index .Config.Labels "dev.containerworkspaces.workspace"}}',
          id,
        ]).catch(() => '');
        if (folders.includes(ws)) await engineCli(engine, ['rm', '-f', id]).catch(() => undefined);
      }
      const images = (await engineCli(engine, ['images', '--format', '{{.Repository}}:{{.Tag}}']).catch(() => ''))
        .split('\n')
        .filter((i) => /cws-create-/.test(i));
      if (images.length) await engineCli(engine, ['rmi', '-f', ...images]).catch(() => undefined);
      for (const t of vscode.window.terminals) t.dispose();
      rmSync(root, { recursive: true, force: true });
      await setSetting('runtime', undefined);
    });

    it('from a dev container config (image): mount, env and postCreateCommand once; a second create reuses it', async () => {
      const folder = copy('create-devcontainer');
      const first = await create(folder, 'devcontainer');
      assert.ok(first, 'created');
      assert.equal(first.created, true);
      const base = folder.split('/').pop()!;
      assert.equal(first.workspaceFolder, `/src/${base}`);
      const labels = JSON.parse(
        await engineCli(engine, ['inspect', '-f', '{{json .Config.Labels}}', first.id]),
      ) as Record<string, string>;
      assert.equal(labels['dev.containerworkspaces.workspace'], folder);
      assert.equal(labels['devcontainer.local_folder'], folder);
      assert.equal(labels['devcontainer.config_file'], join(folder, '.devcontainer/devcontainer.json'));
      assert.equal(
        await engineCli(engine, ['exec', first.id, 'sh', '-c', 'echo "$CWS_GREETING"']),
        `hello from ${base}`,
      );
      const log = join(folder, 'post-create.log');
      await waitFor('postCreateCommand', () => (existsSync(log) ? true : undefined), 20_000);
      const again = await create(folder, 'devcontainer');
      assert.equal(again?.id, first.id, 'the same container');
      assert.equal(again?.created, false);
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(readFileSync(log, 'utf8'), 'ran\n', 'postCreateCommand ran exactly once');
      assert.ok(
        !existsSync(join(root, 'pwned')) && !existsSync(join(folder, 'pwned')),
        'nothing in the folder name was run',
      );
      // The view knows it as the workspace's? It is not in this window's workspace: it is listed, unmarked.
      await waitFor('listed', () => ext.live.store.get(first.id));
    });

    it('from a Dockerfile: built from the local busybox, the folder mounted', async () => {
      const folder = copy('create-dockerfile');
      const c = await create(folder, 'dockerfile');
      assert.ok(c?.created);
      assert.equal(await engineCli(engine, ['exec', c.id, 'cat', '/built.txt']), 'built');
      assert.match(await engineCli(engine, ['exec', c.id, 'ls', c.workspaceFolder]), /Dockerfile/);
    });

    it('from a Compose service: Compose runs it, with our labels and the folder mounted', async () => {
      const folder = copy('create-compose');
      const c = await create(folder, 'compose');
      assert.ok(c, 'created');
      const labels = JSON.parse(await engineCli(engine, ['inspect', '-f', '{{json .Config.Labels}}', c.id])) as Record<
        string,
        string
      >;
      assert.equal(labels['com.docker.compose.service'], 'web');
      assert.equal(labels['dev.containerworkspaces.workspace'], folder);
      assert.equal(await engineCli(engine, ['exec', c.id, 'sh', '-c', 'echo "$FROM_COMPOSE"']), 'yes');
      assert.match(await engineCli(engine, ['exec', c.id, 'ls', c.workspaceFolder]), /compose\.yaml/);
      const again = await create(folder, 'compose');
      assert.equal(again?.id, c.id);
      assert.equal(again?.created, false);
      const project = labels['com.docker.compose.project'];
      const ids = (await engineCli(engine, ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`]))
        .split('\n')
        .filter(Boolean);
      if (ids.length) await engineCli(engine, ['rm', '-f', ...ids]);
    });
  });
}
