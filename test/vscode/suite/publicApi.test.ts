// The exported API, as another extension sees it: only the members src/vscode/api.ts documents,
// plain frozen snapshots, and the same runtime and containers the extension itself shows.
import * as assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ContainerWorkspacesApi, ContainerWorkspacesRuntime } from '../../../src/vscode/api';
import { TEST_INTERNALS_COMMAND, type ExtensionInternals } from '../../../src/vscode/testAccess';
import { TEST_IMAGE, removeTestContainers, requireEngine, uniqueName, runTestContainer } from '../../support/engines';
import { extensionApi, extensionInternals, setSetting, waitFor } from './helpers';

/** Every member of ContainerWorkspacesApi, no more (the compiler holds this to the interface). */
const DOCUMENTED: Record<keyof ContainerWorkspacesApi, true> = {
  apiVersion: true,
  runtime: true,
  onDidChangeRuntime: true,
  listContainers: true,
  workspaceContainer: true,
};

describe('the exported API', function () {
  this.timeout(60_000);
  let api: ContainerWorkspacesApi;
  let ext: ExtensionInternals;

  before(async () => {
    api = await extensionApi();
    ext = await extensionInternals();
  });

  it('exposes only the documented members, frozen, and none of the internals', () => {
    assert.deepEqual(Object.keys(api).sort(), Object.keys(DOCUMENTED).sort());
    assert.equal(Object.getPrototypeOf(api), Object.prototype);
    assert.ok(Object.isFrozen(api));
    assert.equal(api.apiVersion, 1);
    for (const k of Object.keys(ext)) assert.equal(k in api, false, k);
    const rt = api.runtime;
    assert.ok(Object.isFrozen(rt));
    assert.ok(
      Object.keys(rt).every((k) => ['id', 'label', 'state', 'version'].includes(k)),
      Object.keys(rt).join(),
    );
    assert.equal(typeof api.onDidChangeRuntime, 'function');
  });

  it('keeps the internals command out of the command list', async () => {
    assert.equal((await vscode.commands.getCommands(true)).includes(TEST_INTERNALS_COMMAND), false);
  });

  describe('against the real Docker engine', () => {
    const folder = join(tmpdir(), `cws-api-folder-${process.pid}`);

    before(async function () {
      requireEngine(this, 'docker');
      await waitFor(
        'Docker ready',
        () => (ext.session.runtimeId === 'docker' && ext.session.state === 'ready') || undefined,
      );
    });
    after(async () => {
      await setSetting('runtime', undefined);
      await setSetting('docker.host', undefined);
      await waitFor(
        'back to auto',
        () => (ext.session.state !== 'checking' && ext.session.state !== 'host') || undefined,
      );
      await removeTestContainers('docker');
    });

    it('says which runtime is active, as the status bar does', () => {
      assert.deepEqual(api.runtime, {
        id: 'docker',
        label: 'Docker',
        state: 'ready',
        version: ext.session.info?.version,
      });
    });

    it("lists the engine's containers and finds a folder's workspace container, as plain summaries", async () => {
      const name = uniqueName('cws-exthost-api');
      const id = await runTestContainer('docker', name, ['sleep', '300'], {
        flags: ['--label', `dev.containerworkspaces.workspace=${folder}`],
      });
      const expected = { id, name, image: TEST_IMAGE, state: 'running' };
      const listed = await waitFor('listed, running', async () =>
        (await api.listContainers()).find((c) => c.id === id && c.state === 'running'),
      );
      assert.deepEqual(listed, expected);
      assert.ok(Object.isFrozen(listed));
      assert.deepEqual(await api.workspaceContainer(vscode.Uri.file(folder)), expected);
      assert.equal(await api.workspaceContainer(vscode.Uri.file(`${folder}-other`)), undefined);
      assert.equal(await api.workspaceContainer(vscode.Uri.parse(`untitled:${folder}`)), undefined);
    });

    it('announces a runtime switch once per change; host has no containers', async () => {
      const seen: ContainerWorkspacesRuntime[] = [];
      const sub = api.onDidChangeRuntime((r) => seen.push(r));
      try {
        await setSetting('runtime', 'host');
        await waitFor('host', () => seen.some((r) => r.state === 'host') || undefined);
        assert.deepEqual(seen.at(-1), { id: 'host', label: 'Host', state: 'host' });
        assert.deepEqual(api.runtime, seen.at(-1));
        for (let i = 1; i < seen.length; i++) assert.notDeepEqual(seen[i], seen[i - 1], 'no repeated value');
        assert.deepEqual(await api.listContainers(), []);
        assert.equal(await api.workspaceContainer(vscode.Uri.file(folder)), undefined);

        await setSetting('runtime', undefined);
        await waitFor('Docker again', () => seen.some((r) => r.id === 'docker' && r.state === 'ready') || undefined);
      } finally {
        sub.dispose();
      }
    });

    it('rejects with the reason when the engine does not answer', async () => {
      await setSetting('runtime', 'docker');
      await setSetting('docker.host', 'unix:///tmp/cws-no-engine.sock');
      await waitFor('unreachable', () => api.runtime.state === 'unreachable' || undefined);
      assert.deepEqual(api.runtime, { id: 'docker', label: 'Docker', state: 'unreachable' });
      await assert.rejects(api.listContainers(), /Docker is not running/);
      await setSetting('docker.host', undefined);
      await waitFor('ready again', () => api.runtime.state === 'ready' || undefined);
    });
  });
});
