// The Images, Volumes and Networks views in VS Code against the real dockerd, through a counting
// proxy: populated from the engine with what uses each item; an image and a volume in use are not
// removed (the question names the container); the engine's own networks have no Remove; a change
// made outside (docker rm, rmi) shows without a refresh; and they cost one event stream while
// shown, nothing while hidden.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import type { ImageNode, RepositoryNode } from '../../../src/vscode/views/engine/imagesTree';
import { startCountingProxy, type CountingProxy } from '../../support/countingProxy';
import {
  ENGINE_SOCKETS,
  engineCli,
  removeTestContainers,
  requireEngine,
  runTestContainer,
  TEST_IMAGE,
  TEST_LABEL,
  uniqueName,
} from '../../support/engines';
import { extensionInternals, setSetting, waitFor } from './helpers';

type Warn = (
  message: string,
  o: { modal?: boolean; detail?: string },
  ...buttons: string[]
) => Thenable<string | undefined>;

describe('Images, Volumes and Networks views (real dockerd)', function () {
  this.timeout(180_000);
  let ext: ExtensionInternals;
  let proxy: CountingProxy;
  const name = uniqueName('cws-views');
  const repo = `localhost/cws-test/${name}`;
  const tag = `${repo}:v1`;
  const volume = `${name}-vol`;
  const network = `${name}-net`;
  let container = '';
  const asked: { message: string; detail?: string; buttons: string[] }[] = [];
  const realWarn = vscode.window.showWarningMessage;

  before(async function () {
    requireEngine(this, 'docker');
    ext = await extensionInternals();
    const ctx = mkdtempSync(join(tmpdir(), 'cws-views-'));
    try {
      writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nLABEL ${TEST_LABEL}.name=${name}\n`);
      await engineCli('docker', ['build', '-q', '-t', tag, ctx]);
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
    await engineCli('docker', ['volume', 'create', volume]);
    await engineCli('docker', ['network', 'create', network]);
    container = (
      await runTestContainer('docker', name, ['sleep', '600'], {
        image: tag,
        flags: ['-v', `${volume}:/data`, '--network', network],
      })
    ).trim();
    proxy = await startCountingProxy(ENGINE_SOCKETS.docker, 'views');
    await setSetting('runtime', 'docker');
    await setSetting('docker.host', proxy.url);
    const warn: Warn = (message, o, ...buttons) => {
      asked.push({ message, detail: o?.detail, buttons });
      return Promise.resolve(undefined);
    };
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = warn;
  });

  after(async () => {
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = realWarn;
    await setSetting('docker.host', undefined);
    await setSetting('runtime', undefined);
    await proxy?.close();
    await removeTestContainers('docker');
    await engineCli('docker', ['network', 'rm', network]).catch(() => undefined);
    await engineCli('docker', ['volume', 'rm', volume]).catch(() => undefined);
    await engineCli('docker', ['rmi', tag]).catch(() => undefined);
  });

  const imageRow = () => {
    const top = ext.images.getChildren();
    // The extension's own classes (its bundle), told apart by kind.
    const group = top.find((n): n is RepositoryNode => n.kind === 'repository' && n.repository === repo);
    return group ? (ext.images.getChildren(group)[0] as ImageNode | undefined) : undefined;
  };

  it('shown: the three views list the image (in use by the container), the volume and the network', async () => {
    await vscode.commands.executeCommand('containerWorkspaces.images.focus');
    await waitFor(
      'connected through the proxy',
      () => ext.session.runtime?.endpoint === proxy.url || undefined,
      30_000,
    );
    const row = await waitFor('the image row', () => (imageRow()?.row.usedBy.length ? imageRow() : undefined), 30_000);
    assert.deepEqual(
      row.row.usedBy.map((c) => c.name),
      [name],
    );
    const item = ext.images.getTreeItem(row);
    assert.equal(item.label, 'v1');
    assert.equal(item.contextValue, 'image.inUse');
    assert.match(String(item.description), /^in use · /);
    await vscode.commands.executeCommand('containerWorkspaces.volumes.focus');
    const v = await waitFor(
      'the volume row',
      () => ext.volumes.rows.find((r) => r.volume.name === volume && r.usedBy.length),
      30_000,
    );
    assert.equal(ext.volumes.getTreeItem({ kind: 'volume', row: v }).contextValue, 'volume.inUse');
    await vscode.commands.executeCommand('containerWorkspaces.networks.focus');
    const n = await waitFor('the network row', () => ext.networks.rows.find((r) => r.network.name === network), 30_000);
    assert.deepEqual(
      n.attached.map((c) => c.name),
      [name],
    );
    const bridge = ext.networks.rows.find((r) => r.network.name === 'bridge');
    assert.equal(ext.networks.getTreeItem({ kind: 'network', row: bridge! }).contextValue, 'network.builtIn');
    // All three shown and the Containers view too: still one event stream.
    await waitFor('the views live', () => (ext.live.store.streaming && ext.volumes.store.loaded) || undefined, 30_000);
    assert.equal(proxy.count(/\/events/), 1, proxy.requests.join('\n'));
  });

  it('Remove on the image in use: the question names the container and offers only Remove Anyway; nothing goes', async () => {
    const row = imageRow()!;
    asked.length = 0;
    await vscode.commands.executeCommand('containerWorkspaces.removeImage', row, [row]);
    assert.equal(asked.length, 1);
    assert.match(asked[0].message, new RegExp(`Remove image ${tag.replace(/[.]/g, '\\.')}\\?`));
    assert.match(asked[0].detail ?? '', new RegExp(`is used by ${name}: it is kept unless you choose “Remove Anyway”`));
    assert.deepEqual(asked[0].buttons, ['Remove Anyway']);
    assert.ok((await engineCli('docker', ['image', 'inspect', '-f', '{{.Id}}', tag])).trim());
  });

  it('Remove on the volume in use: refused, the container named; the volume stays', async () => {
    asked.length = 0;
    const node = ext.volumes.getChildren().find((x) => x.row.volume.name === volume)!;
    await vscode.commands.executeCommand('containerWorkspaces.removeVolume', node, [node]);
    assert.equal(asked.length, 1);
    assert.match(asked[0].message, new RegExp(`Volume ${volume} is used by ${name}; nothing was removed`));
    assert.ok((await engineCli('docker', ['volume', 'ls', '-q'])).split('\n').includes(volume));
  });

  it('Prune: the question lists the stopped container and not what is in use; dismissed, nothing goes', async () => {
    const stopped = (await runTestContainer('docker', `${name}-stopped`, ['true'])).trim();
    await engineCli('docker', ['wait', stopped]);
    const realPick = vscode.window.showQuickPick;
    (vscode.window as { showQuickPick: unknown }).showQuickPick = (items: { picked?: boolean }[]) =>
      Promise.resolve(items.filter((i) => i.picked));
    asked.length = 0;
    try {
      await vscode.commands.executeCommand('containerWorkspaces.prune');
    } finally {
      (vscode.window as { showQuickPick: unknown }).showQuickPick = realPick;
    }
    assert.equal(asked.length, 1);
    assert.match(asked[0].message, /^Remove these \d+ items\? .* is freed\.$/);
    const lines = (asked[0].detail ?? '').split('\n');
    // Containers come first in the list (its first 20 lines are shown).
    assert.ok(lines.includes(`container ${name}-stopped`), asked[0].detail);
    assert.ok(!lines.some((l) => l.includes(name) && l !== `container ${name}-stopped`), 'nothing in use is listed');
    assert.deepEqual(asked[0].buttons, ['Prune']);
    assert.equal((await engineCli('docker', ['inspect', '-f', '{{.State.Status}}', stopped])).trim(), 'exited');
  });

  it('a container and an image removed outside VS Code leave the views without a refresh', async () => {
    const before = proxy.count(/\/images\/json/);
    await engineCli('docker', ['rm', '-f', container]);
    await engineCli('docker', ['rmi', tag]);
    await vscode.commands.executeCommand('containerWorkspaces.images.focus');
    await waitFor('the image row gone', () => (imageRow() ? undefined : true), 30_000);
    assert.ok(proxy.count(/\/images\/json/) > before, 'the Images view re-listed on the engine event');
    await waitFor(
      'the volume unused',
      () => ext.volumes.rows.find((r) => r.volume.name === volume && !r.usedBy.length),
      30_000,
    );
  });

  it('hidden: the stores let go and the engine hears nothing', async () => {
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor(
      'the views hidden',
      () => (!ext.imagesView.visible && !ext.volumesView.visible && !ext.networksView.visible) || undefined,
    );
    await waitFor('every connection closed', () => (proxy.openConnections === 0 ? true : undefined), 15_000);
    proxy.reset();
    // A change on the engine while hidden: no connection is open (waited on above), so nothing listens
    // and nothing is asked.
    await engineCli('docker', ['volume', 'rm', volume]);
    assert.equal(proxy.openConnections, 0);
    assert.equal(proxy.count(), 0, proxy.requests.join('\n'));
    assert.deepEqual(
      [ext.images.store.active, ext.volumes.store.active, ext.networks.store.active],
      [false, false, false],
    );
  });
});
