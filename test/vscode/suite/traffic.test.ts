// Engine traffic, counted by a proxy socket in front of the real dockerd: the views talk to the
// engine while visible (one event stream), and not at all — no request, no open connection — while hidden.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import { startCountingProxy, type CountingProxy } from '../../support/countingProxy';
import { ENGINE_SOCKETS, requireEngine } from '../../support/engines';
import { extensionInternals, setSetting, waitFor } from './helpers';

describe('engine traffic', function () {
  this.timeout(150_000);
  let ext: ExtensionInternals;
  let proxy: CountingProxy;

  before(async function () {
    requireEngine(this, 'docker');
    ext = await extensionInternals();
    proxy = await startCountingProxy(ENGINE_SOCKETS.docker, 'exthost');
    await setSetting('runtime', 'docker');
    await setSetting('docker.host', proxy.url);
  });
  after(async () => {
    await setSetting('docker.host', undefined);
    await setSetting('runtime', undefined);
    await proxy?.close();
  });

  it('visible: one list and one event stream', async () => {
    await vscode.commands.executeCommand('containerWorkspaces.containers.focus');
    await waitFor(
      'connected through the proxy',
      () => (ext.session.state === 'ready' && ext.session.runtime?.endpoint === proxy.url) || undefined,
    );
    await waitFor(
      'the store to be live',
      () => (ext.live.store.active && ext.live.store.loaded && ext.live.store.streaming) || undefined,
    );
    assert.equal(proxy.count(/ \/v[\d.]+\/events|^GET \/events/), 1, proxy.requests.join('\n'));
    assert.ok(proxy.count(/\/containers\/json/) >= 1);
  });

  it('hidden: no request and no connection for a minute', async () => {
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor(
      'the views to be hidden',
      () => (!ext.containersView.visible && !ext.servicesView.visible) || undefined,
    );
    await waitFor('every connection closed', () => (proxy.openConnections === 0 ? true : undefined), 10_000);
    proxy.reset();
    await new Promise((r) => setTimeout(r, 60_000));
    console.log(
      `      engine requests in 60 s with the views hidden: ${proxy.count()}; open connections: ${proxy.openConnections}`,
    );
    assert.equal(proxy.count(), 0, proxy.requests.join('\n'));
    assert.equal(proxy.openConnections, 0);
    assert.equal(ext.live.store.active, false);
  });

  it('shown again: the view catches up at once', async () => {
    await vscode.commands.executeCommand('containerWorkspaces.containers.focus');
    await waitFor(
      'live again',
      () => (ext.live.store.active && ext.live.store.streaming && proxy.count(/\/containers\/json/) > 0) || undefined,
    );
  });

  it("switching the runtime away closes the old engine's streams and connections at once", async function () {
    requireEngine(this, 'podman');
    await waitFor(
      'streaming through the proxy',
      () => (ext.live.store.streaming && proxy.openConnections > 0) || undefined,
    );
    await setSetting('runtime', 'podman');
    await waitFor('Podman live', () => (ext.live.store.runtime?.id === 'podman' && ext.live.store.loaded) || undefined);
    await waitFor("the old engine's connections closed", () => (proxy.openConnections === 0 ? true : undefined));
    proxy.reset();
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(proxy.count(), 0, 'nothing more goes to the old engine');
  });
});
