// A secret-looking environment variable goes into a workspace container through the extension (a
// dev container config's containerEnv from `${localEnv:…}`), a task runs in it, and the extension
// logs its usual lines. The value reaches the container (checked by digest, never printed); the
// extension's log, the Compose output and the other output channels are files under the
// workbench's logs folder, which scripts/lib/secretScan.mjs greps for it at the end of `npm test`
// (the run sets CWS_TEST_SECRET_TOKEN for the whole suite; run alone, this test makes one up).
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { WorkspaceContainer } from '../../../src/core/workspace';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import { TEST_IMAGE, engineCli, requireEngine } from '../../support/engines';
import { extensionInternals, setSetting, waitFor } from './helpers';

describe('Secrets stay out of the logs (docker)', function () {
  this.timeout(180_000);
  // The extension host's own environment, as the user's shell would give it.
  const secret = (process.env.CWS_TEST_SECRET_TOKEN ||= `cws-s3cr3t-${randomBytes(8).toString('hex')}`);
  const root = mkdtempSync(join(tmpdir(), 'secrets-exthost-'));
  const folder = join(root, 'secret-app');
  let ext: ExtensionInternals;
  let made: WorkspaceContainer | undefined;

  before(async function () {
    requireEngine(this, 'docker');
    ext = await extensionInternals();
    mkdirSync(join(folder, '.devcontainer'), { recursive: true });
    writeFileSync(
      join(folder, '.devcontainer/devcontainer.json'),
      JSON.stringify({
        name: 'secrets',
        image: TEST_IMAGE,
        containerEnv: { CWS_TEST_SECRET_TOKEN: '${localEnv:CWS_TEST_SECRET_TOKEN}' },
        postCreateCommand: 'echo post-create done',
      }),
    );
    await setSetting('runtime', 'docker');
    await waitFor(
      'docker ready',
      () => (ext.session.runtimeId === 'docker' && ext.session.state === 'ready') || undefined,
    );
  });

  after(async () => {
    if (made) await engineCli('docker', ['rm', '-f', made.id]).catch(() => undefined);
    for (const t of vscode.window.terminals) if (/postCreateCommand|secrets/.test(t.name)) t.dispose();
    rmSync(root, { recursive: true, force: true });
    await setSetting('runtime', undefined);
  });

  it('containerEnv from the environment reaches the container; a task in it runs; the value is never shown', async () => {
    made = await vscode.commands.executeCommand<WorkspaceContainer | undefined>(
      'containerWorkspaces.createWorkspaceContainer',
      { folder, source: 'devcontainer' },
    );
    assert.ok(made, 'created');
    const r = await ext.session.runtime!.exec(made.id, {
      cmd: ['sh', '-c', 'printf %s "$CWS_TEST_SECRET_TOKEN" | sha256sum'],
    });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout.split(/\s/)[0], createHash('sha256').update(secret).digest('hex'), 'the container has it');

    // A task that uses the variable without printing it, in that container.
    const ws = vscode.workspace.workspaceFolders![0];
    const task = ext.tasks.make(ws, 'secrets', {
      type: 'container-workspaces',
      command: 'test -n "$CWS_TEST_SECRET_TOKEN" && echo the token is set',
      container: made.name,
    });
    const finished = new Promise<number>((resolve) => {
      const sub = ext.tasks.onDidFinish((e) => {
        if (e.task !== 'secrets') return;
        sub.dispose();
        resolve(e.exitCode);
      });
    });
    await vscode.tasks.executeTask(task);
    assert.equal(await finished, 0, 'the task ran with the variable set');
  });
});
