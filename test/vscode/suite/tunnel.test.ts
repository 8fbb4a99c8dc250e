// `code tunnel` in a workspace container, in the real extension host against the real dockerd,
// with the fake `code` CLI baked into a test image: login code and address are seen, shown on the
// container's row, survive a "reload" (state read back from the container), and Stop ends it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DockerRuntime } from '../../../src/core/runtime/docker/dockerRuntime';
import { tunnelStatus } from '../../../src/core/tunnels';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import type { ContainerNode } from '../../../src/vscode/views/containers/containersTree';
import {
  ENGINE_SOCKETS,
  TEST_IMAGE,
  TEST_LABEL,
  engineCli,
  removeTestContainers,
  requireEngine,
  uniqueName,
  runTestContainer,
} from '../../support/engines';
import { ensureTunnelImage, TUNNEL_IMAGE } from '../../support/tunnelImage';
import { extensionInternals, waitFor } from './helpers';

describe('tunnel into the workspace container', function () {
  this.timeout(120_000);
  let ext: ExtensionInternals;
  let rt: DockerRuntime;
  const nodeOf = async (id: string) =>
    (await ext.containers.getChildren()).find(
      (n): n is ContainerNode =>
        n.kind === 'container' && id.startsWith(n.container.id) && n.container.state === 'running',
    );

  before(async function () {
    requireEngine(this, 'docker');
    ext = await extensionInternals();
    rt = new DockerRuntime('docker', { url: `unix://${ENGINE_SOCKETS.docker}`, socketPath: ENGINE_SOCKETS.docker });
    await ensureTunnelImage(rt, 'docker');
    await vscode.commands.executeCommand('containerWorkspaces.containers.focus');
    await waitFor(
      'Docker ready',
      () => (ext.session.runtimeId === 'docker' && ext.session.state === 'ready') || undefined,
    );
  });
  after(async () => {
    void rt?.close();
    await removeTestContainers('docker');
  });

  it("Start Tunnel: the login code, then the vscode.dev address, on the container's row; Stop Tunnel ends it", async () => {
    const name = uniqueName('cws-exthost-tunnel');
    const id = await runTestContainer('docker', name, ['sleep', '600'], { image: TUNNEL_IMAGE });
    const node = await waitFor('its node', () => nodeOf(id));
    await vscode.commands.executeCommand('containerWorkspaces.startTunnel', node);
    const full = node.container.id;
    const login = await waitFor(
      'the login prompt',
      () => ext.tunnels.get(full)?.login ?? (ext.tunnels.get(full)?.url ? { code: 'seen', url: '' } : undefined),
      20_000,
    );
    assert.ok(login.code === 'ABCD-1234' || login.code === 'seen');
    const url = await waitFor('the address', () => ext.tunnels.get(full)?.url, 20_000);
    assert.match(url, /^https:\/\/vscode\.dev\/tunnel\/sample(\/|$)/);
    const item = ext.containers.getTreeItem((await nodeOf(id))!);
    assert.match(String(item.description), /tunnel vscode\.dev\/tunnel\/sample/);
    assert.match(String(item.contextValue), /\.tunnel$/);
    // What a window reload would read back: the state lives in the container.
    const st = await tunnelStatus(rt, full);
    assert.equal(st.running, true);
    assert.equal(st.url, url);

    await vscode.commands.executeCommand('containerWorkspaces.stopTunnel', node);
    await waitFor('stopped', () => (ext.tunnels.get(full) ? undefined : true));
    assert.equal((await tunnelStatus(rt, full)).running, false);
  });

  it('a container without the code CLI: a clear message, nothing downloaded, no tunnel', async () => {
    const id = await engineCli('docker', [
      'run',
      '-d',
      '--name',
      uniqueName('cws-exthost-nocode'),
      '--label',
      `${TEST_LABEL}=${process.pid}`,
      TEST_IMAGE,
      'sleep',
      '600',
    ]);
    const node = await waitFor('its node', () => nodeOf(id));
    await vscode.commands.executeCommand('containerWorkspaces.startTunnel', node);
    assert.equal(ext.tunnels.get(node.container.id), undefined);
    await assert.rejects(engineCli('docker', ['exec', id, 'ls', '/tmp/.cws-tunnel/pid']));
  });
});
