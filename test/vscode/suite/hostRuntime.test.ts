// The `host` runtime: no engine on purpose; the workspace commands run on this machine, labelled so.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import { extensionInternals, setSetting, waitFor } from './helpers';

describe('host runtime', function () {
  this.timeout(60_000);
  let ext: ExtensionInternals;
  let folder: vscode.WorkspaceFolder;
  const out = () => join(folder.uri.fsPath, `.cws-test-host-${process.pid}`);

  before(async () => {
    ext = await extensionInternals();
    folder = vscode.workspace.workspaceFolders![0];
    await setSetting('runtime', 'host');
    await waitFor('host mode', () => (ext.session.state === 'host' ? true : undefined));
  });
  after(async () => {
    rmSync(out(), { force: true });
    await setSetting('runtime', undefined);
    await waitFor(
      'back to auto',
      () => (ext.session.state !== 'checking' && ext.session.state !== 'host') || undefined,
    );
  });

  it('no engine is asked; the views are empty so the host welcome shows', async () => {
    assert.equal(ext.session.runtime, undefined);
    assert.equal(ext.session.label, 'Host');
    assert.deepEqual(await ext.containers.getChildren(), []);
    assert.equal(ext.live.store.runtime, undefined);
  });

  it('Run Command runs on this machine in the workspace folder and reports the exit code', async () => {
    const code = await vscode.commands.executeCommand<number>(
      'containerWorkspaces.runInContainer',
      `pwd > "${out()}"; exit 5`,
    );
    assert.equal(code, 5);
    assert.equal(readFileSync(out(), 'utf8').trim(), folder.uri.fsPath);
    assert.ok(
      vscode.window.terminals.some((t) => t.name.startsWith('Host: ')),
      'the terminal says it is the host',
    );
  });

  it('a container-workspaces task runs on this machine too', async () => {
    rmSync(out(), { force: true });
    const task = ext.tasks.make(folder, 'host task', {
      type: 'container-workspaces',
      command: 'sh',
      args: ['-c', `echo task > "$1"; exit 2`, 'sh', out()],
    });
    const ended = new Promise<number>((resolve) => {
      const s = ext.tasks.onDidFinish((e) => {
        s.dispose();
        resolve(e.exitCode);
      });
    });
    await vscode.tasks.executeTask(task);
    assert.equal(await ended, 2);
    assert.ok(existsSync(out()));
  });

  it('Open Shell opens a shell on this machine', async () => {
    const t = await vscode.commands.executeCommand<vscode.Terminal>('containerWorkspaces.openShell');
    assert.equal(t.name, 'Host: shell');
    t.dispose();
  });
});
