// In the real extension host, on the real dockerd and Podman: Create Workspace Container lends the
// workspace container this machine's git identity and HTTPS credentials (a git http-backend server
// behind basic auth, started here on loopback; this host's git config a throw-away file named by
// GIT_CONFIG_GLOBAL, its `store` helper a throw-away file). The window serves them while it is open;
// turning the setting off takes them away without a rebuild, on again brings them back; the row's
// tooltip says what the container borrows; removing it removes its forwarding folder.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { parseForwardLabel } from '../../../src/core/forwarding/forwardDir';
import { LABELS } from '../../../src/core/runtime/labels';
import type { WorkspaceContainer } from '../../../src/core/workspace';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import type { ContainerNode, ContainersNode, GroupNode } from '../../../src/vscode/views/containers/containersTree';
import { engineCli, requireDebianImage, requireEngine, type EngineId } from '../../support/engines';
import { startGitHttpServer, type GitHttpServer } from '../../support/gitHttpServer';
import { repoRoot } from '../../support/paths';
import { extensionInternals, setSetting, waitFor } from './helpers';

const run = promisify(execFile);
const FIXTURE = join(repoRoot, 'test/fixtures/workspaces/forwarding');
/** Variables this test sets in the extension host for the time it runs (the forwarding reads them). */
const ENV_KEYS = ['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM', 'CWS_FORWARD_DIR', 'CWS_TEST_GIT_URL'] as const;

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`Forwarding git credentials from the window on ${engine}`, function () {
    this.timeout(300_000);
    let ext: ExtensionInternals;
    let root: string;
    let http: GitHttpServer;
    let made: WorkspaceContainer | undefined;
    let row: ContainerNode | undefined;
    const saved: Partial<Record<(typeof ENV_KEYS)[number], string | undefined>> = {};
    const password = `pw-${Math.random().toString(36).slice(2)}-ExtHost`;

    /** `git ls-remote` in the container as its remote user, as a terminal of the user's own would run it. */
    const lsRemote = () =>
      engineCli(engine, [
        'exec',
        '-u',
        'dev',
        '-e',
        'GIT_TERMINAL_PROMPT=0',
        made!.id,
        'git',
        'ls-remote',
        `${http.url}/proj.git`,
      ]).then(
        () => true,
        () => false,
      );

    before(async function () {
      requireEngine(this, engine);
      await requireDebianImage(this, engine);
      ext = await extensionInternals();
      root = mkdtempSync(join(tmpdir(), `cws-exthost-fwd-${engine}-`));
      const repos = join(root, 'repos');
      mkdirSync(repos);
      http = await startGitHttpServer({ root: repos, user: 'bob', password });
      const gitconfig = join(root, 'gitconfig');
      writeFileSync(
        gitconfig,
        `[user]\n\tname = Ext Host\n\temail = exthost@example.invalid\n[credential]\n\thelper = store --file ${join(root, 'creds')}\n`,
      );
      writeFileSync(join(root, 'creds'), `http://bob:${password}@127.0.0.1:${http.port}\n`, { mode: 0o600 });
      for (const k of ENV_KEYS) saved[k] = process.env[k];
      Object.assign(process.env, {
        GIT_CONFIG_GLOBAL: gitconfig,
        GIT_CONFIG_NOSYSTEM: '1',
        CWS_FORWARD_DIR: join(root, 'fwd'),
        CWS_TEST_GIT_URL: `${http.url}/proj.git`,
      });
      await run('git', ['init', '-q', '--bare', join(repos, 'proj.git')]);
      const seed = join(root, 'seed');
      await run('git', ['init', '-q', seed]);
      await run('git', ['-C', seed, 'commit', '-q', '--allow-empty', '-m', 'seed']);
      await run('git', ['-C', seed, 'push', '-q', join(repos, 'proj.git'), 'HEAD:refs/heads/main']);
      await setSetting('runtime', engine);
      await waitFor(
        `${engine} ready`,
        () => (ext.session.runtimeId === engine && ext.session.state === 'ready') || undefined,
      );
    });

    after(async () => {
      if (made) await engineCli(engine, ['rm', '-f', made.id]).catch(() => undefined);
      await setSetting('forwarding.gitCredentials', undefined);
      await setSetting('runtime', undefined);
      for (const k of ENV_KEYS) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
      await http?.close();
      for (const t of vscode.window.terminals) t.dispose();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it("Create Workspace Container: postCreateCommand and a terminal of the user's own reach the HTTPS remote", async () => {
      const folder = join(root, 'project');
      cpSync(FIXTURE, folder, { recursive: true });
      made = await vscode.commands.executeCommand<WorkspaceContainer | undefined>(
        'containerWorkspaces.createWorkspaceContainer',
        { folder, source: 'devcontainer' },
      );
      assert.ok(made, 'created');
      await made.hooksDone;
      const post = await engineCli(engine, ['exec', made.id, 'cat', '/tmp/post-create-ls-remote.txt']);
      assert.match(post, /\trefs\/heads\/main\nexit 0$/);
      assert.equal(await lsRemote(), true, 'served by the window after the create');
      const who = await engineCli(engine, ['exec', '-u', 'dev', made.id, 'git', 'config', 'user.name']);
      assert.equal(who, 'Ext Host');
    });

    it('the setting off takes the credentials away without a rebuild; on again brings them back', async () => {
      await setSetting('forwarding.gitCredentials', false);
      await waitFor('git ls-remote to fail', async () => !(await lsRemote()) || undefined, 30_000);
      await setSetting('forwarding.gitCredentials', undefined);
      await waitFor('git ls-remote to work again', async () => (await lsRemote()) || undefined, 30_000);
    });

    it("the row's tooltip says what the container borrows from this machine", async () => {
      await vscode.commands.executeCommand('containerWorkspaces.containers.focus');
      const isGroup = (n: ContainersNode): n is GroupNode => n.kind === 'group';
      const node = await waitFor('the row', async () => {
        const top = await ext.containers.getChildren();
        const inner = await Promise.all(top.filter(isGroup).map((g) => ext.containers.getChildren(g)));
        return [...top, ...inner.flat()].find(
          (n): n is ContainerNode => n.kind === 'container' && n.container.id === made!.id,
        );
      });
      row = node;
      const item = ext.containers.resolveTreeItem(ext.containers.getTreeItem(node), node);
      const text = (item.tooltip as vscode.MarkdownString).value;
      assert.match(text, /Borrows from this machine: git identity, git credentials, SSH agent, GPG signing/);
    });

    it('Remove Container removes its forwarding folder', async () => {
      const labels = JSON.parse(
        await engineCli(engine, ['inspect', '-f', '{{json .Config.Labels}}', made!.id]),
      ) as Record<string, string>;
      const dir = parseForwardLabel(labels[LABELS.forward])!.dir;
      assert.equal(existsSync(dir), true);
      const confirm = vscode.window.showWarningMessage;
      // The modal confirmation, answered as the user would.
      (vscode.window as { showWarningMessage: unknown }).showWarningMessage = () => Promise.resolve('Remove');
      try {
        await vscode.commands.executeCommand('containerWorkspaces.removeContainer', row);
      } finally {
        (vscode.window as { showWarningMessage: unknown }).showWarningMessage = confirm;
      }
      await waitFor('the forwarding folder to go', () => !existsSync(dir) || undefined, 30_000);
      made = undefined;
    });
  });
}
