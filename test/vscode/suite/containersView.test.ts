// In the real extension host against the real engines: activation, the status bar state, and the
// Containers view's data following the engine.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ContainerWorkspacesApi } from '../../../src/extension';
import { TEST_IMAGE, TEST_LABEL, engineCli, removeTestContainers, requireEngine, uniqueName } from '../../support/engines';
import { EXTENSION_ID, extensionApi, setSetting, waitFor } from './helpers';

describe('Container Workspaces in VS Code', function () {
  let api: ContainerWorkspacesApi;

  before(async () => {
    api = await extensionApi();
  });

  it('is active once the workspace with container files opens', () => {
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.ok(vscode.workspace.workspaceFolders?.some((f) => f.name === 'sample'));
  });

  it('contributes the Containers view and its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['containerWorkspaces.refresh', 'containerWorkspaces.selectRuntime', 'containerWorkspaces.showRuntimeHelp']) {
      assert.ok(commands.includes(id), id);
    }
    await vscode.commands.executeCommand('containerWorkspaces.containers.focus');
  });

  describe('against the real Docker engine', () => {
    before(function () { requireEngine(this, 'docker'); });
    after(async () => { await removeTestContainers('docker'); });

    it('the session is connected to Docker with the engine\'s version', async () => {
      await waitFor('runtime check', () => api.session.state !== 'checking' || undefined);
      assert.equal(api.session.state, 'ready', api.session.error?.message);
      assert.equal(api.session.runtimeId, 'docker');
      assert.equal(api.session.info?.version, await engineCli('docker', ['version', '--format', '{{.Server.Version}}']));
    });

    it('a container created on the engine is in the Containers view\'s data, and follows its state', async () => {
      const name = uniqueName('cws-exthost');
      const id = await engineCli('docker', ['create', '--name', name, '--label', `${TEST_LABEL}=${process.pid}`, TEST_IMAGE, 'sleep', '300']);
      await vscode.commands.executeCommand('containerWorkspaces.refresh');
      let rows = await api.containers.getChildren();
      let row = rows.find((c) => c.id === id);
      assert.ok(row, `${name} is listed`);
      let item = api.containers.getTreeItem(row);
      assert.equal(item.label, name);
      assert.equal(item.description, TEST_IMAGE);
      assert.equal(item.contextValue, 'container.created');

      await engineCli('docker', ['start', id]);
      await vscode.commands.executeCommand('containerWorkspaces.refresh');
      rows = await api.containers.getChildren();
      row = rows.find((c) => c.id === id)!;
      item = api.containers.getTreeItem(row);
      assert.equal(item.contextValue, 'container.running');
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'vm-running');
      assert.equal(rows[0].state, 'running', 'running containers come first');
    });
  });

  describe('switching runtime without a reload', () => {
    before(function () { requireEngine(this, 'podman'); });
    after(async () => {
      await setSetting('runtime', undefined);
      await waitFor('back to auto', () => api.session.state !== 'checking' || undefined);
      await removeTestContainers('podman');
    });

    it('setting the runtime to Podman lists Podman\'s containers', async () => {
      const name = uniqueName('cws-exthost-podman');
      const id = await engineCli('podman', ['create', '--name', name, '--label', `${TEST_LABEL}=${process.pid}`, TEST_IMAGE, 'sleep', '300']);
      await setSetting('runtime', 'podman');
      await waitFor('Podman ready', () => (api.session.runtimeId === 'podman' && api.session.state === 'ready') || undefined);
      assert.match(api.session.info?.name ?? '', /Podman/);
      const rows = await api.containers.getChildren();
      assert.ok(rows.some((c) => c.id === id && c.name === name), `${name} is listed from Podman`);
    });
  });

  describe('with no engine reachable', () => {
    after(async () => {
      await setSetting('docker.host', undefined);
      await setSetting('runtime', undefined);
    });

    it('the state is "unreachable" with a hint, and the view is empty so its welcome text shows', async () => {
      await setSetting('runtime', 'docker');
      await setSetting('docker.host', 'unix:///tmp/cws-no-engine.sock');
      await waitFor('unreachable', () => api.session.state === 'unreachable' || undefined);
      assert.equal(api.session.error?.code, 'unavailable');
      assert.match(api.session.error?.message ?? '', /Docker is not running \(unix:\/\/\/tmp\/cws-no-engine\.sock\)/);
      assert.ok(api.session.hint());
      assert.deepEqual(await api.containers.getChildren(), []);
    });

    it('recovers when the setting points back at a running engine', async function () {
      requireEngine(this, 'docker');
      await setSetting('docker.host', undefined);
      await waitFor('ready again', () => api.session.state === 'ready' || undefined);
    });
  });
});
