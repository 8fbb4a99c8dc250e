// Create Workspace Container from Repository in the real extension host, on the real dockerd and
// Podman: the repository, served by git http-backend behind basic auth on loopback (this host's git
// config and `store` file are throw-away files), is cloned into a volume with the forwarded
// credentials (the clone's image and network from the settings), the workspace container works in
// the clone, Open Shell opens there, Remove Container keeps the volume (and says so), and Remove with
// Volumes deletes it.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RepoWorkspace } from '../../../src/core/workspace/repoVolume';
import type { ExtensionInternals } from '../../../src/vscode/testAccess';
import type { ContainerNode, ContainersNode, GroupNode } from '../../../src/vscode/views/containers/containersTree';
import { DEBIAN_IMAGE, engineCli, requireDebianImage, requireEngine, type EngineId } from '../../support/engines';
import { seedBareRepository, startGitHttpServer, type GitHttpServer } from '../../support/gitHttpServer';
import { extensionInternals, setSetting, waitFor } from './helpers';

const ENV_KEYS = ['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM', 'CWS_FORWARD_DIR', 'CWS_REPOS_DIR'] as const;

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`Create Workspace Container from Repository on ${engine}`, function () {
    this.timeout(300_000);
    let ext: ExtensionInternals;
    let root: string;
    let http: GitHttpServer;
    let url = '';
    let made: RepoWorkspace | undefined;
    const saved: Partial<Record<(typeof ENV_KEYS)[number], string | undefined>> = {};

    before(async function () {
      requireEngine(this, engine);
      await requireDebianImage(this, engine);
      ext = await extensionInternals();
      root = mkdtempSync(join(tmpdir(), `cws-exthost-repo-${engine}-`));
      const repos = join(root, 'repos');
      mkdirSync(repos);
      // The run's secret when npm test set one: its last stage proves no log or transcript holds it.
      const password = process.env.CWS_TEST_SECRET_TOKEN ?? `pw-${Math.random().toString(36).slice(2)}`;
      http = await startGitHttpServer({ root: repos, user: 'dana', password });
      url = `${http.url}/exthost-${engine}.git`;
      writeFileSync(join(root, 'gitconfig'), `[credential]\n\thelper = store --file ${join(root, 'creds')}\n`);
      writeFileSync(join(root, 'creds'), `http://dana:${password}@127.0.0.1:${http.port}\n`, { mode: 0o600 });
      for (const k of ENV_KEYS) saved[k] = process.env[k];
      Object.assign(process.env, {
        GIT_CONFIG_GLOBAL: join(root, 'gitconfig'),
        GIT_CONFIG_NOSYSTEM: '1',
        CWS_FORWARD_DIR: join(root, 'fwd'),
        CWS_REPOS_DIR: join(root, 'configs'),
      });
      const bare = join(repos, `exthost-${engine}.git`);
      await seedBareRepository(bare, join(root, 'seed'), {
        'hello.txt': 'cloned\n',
        '.devcontainer/devcontainer.json': JSON.stringify({ image: DEBIAN_IMAGE }),
      });
      await setSetting('clone.image', DEBIAN_IMAGE);
      await setSetting('clone.network', 'host');
      await setSetting('runtime', engine);
      await waitFor(
        `${engine} ready`,
        () => (ext.session.runtimeId === engine && ext.session.state === 'ready') || undefined,
      );
    });

    after(async () => {
      if (made) {
        await engineCli(engine, ['rm', '-f', made.id]).catch(() => undefined);
        await engineCli(engine, ['volume', 'rm', '-f', made.volume]).catch(() => undefined);
      }
      await setSetting('clone.image', undefined);
      await setSetting('clone.network', undefined);
      await setSetting('runtime', undefined);
      for (const k of ENV_KEYS) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
      await http?.close();
      for (const t of vscode.window.terminals) t.dispose();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it('clones with the forwarded credentials and makes the workspace container in the clone', async () => {
      made = await vscode.commands.executeCommand<RepoWorkspace | undefined>(
        'containerWorkspaces.createWorkspaceContainerFromRepository',
        { url },
      );
      assert.ok(made, 'created');
      assert.equal(made.workspaceFolder, `/workspaces/exthost-${engine}`);
      const ls = await engineCli(engine, ['exec', '-w', made.workspaceFolder, made.id, 'cat', 'hello.txt']);
      assert.equal(ls, 'cloned');
    });

    it('Open Shell opens in the clone', async () => {
      const terminal = await vscode.commands.executeCommand<vscode.Terminal | undefined>(
        'containerWorkspaces.openShell',
        { containerId: made!.id },
      );
      assert.ok(terminal, 'a shell terminal');
      assert.match(terminal.name, /^Shell: /);
      // Typed again until the shell has run it: what is typed before the shell is up may be lost.
      let typed = 0;
      const pwd = await waitFor(
        'the shell to write its folder',
        async () => {
          const out = await engineCli(engine, ['exec', made!.id, 'cat', '/tmp/shell-pwd.txt']).catch(() => '');
          if (out) return out;
          if (Date.now() - typed > 3_000) {
            typed = Date.now();
            terminal.sendText('pwd > /tmp/shell-pwd.txt');
          }
          return undefined;
        },
        60_000,
      );
      assert.equal(pwd, made!.workspaceFolder);
    });

    /** Runs Remove Container on the workspace's row, answering the confirmation; returns its detail. */
    async function removeFromView(answer: string): Promise<string> {
      await vscode.commands.executeCommand('containerWorkspaces.containers.focus');
      const isGroup = (n: ContainersNode): n is GroupNode => n.kind === 'group';
      const row = await waitFor('the row', async () => {
        const top = await ext.containers.getChildren();
        const inner = await Promise.all(top.filter(isGroup).map((g) => ext.containers.getChildren(g)));
        return [...top, ...inner.flat()].find(
          (n): n is ContainerNode => n.kind === 'container' && n.container.id === made!.id,
        );
      });
      const confirm = vscode.window.showWarningMessage;
      let detail = '';
      (vscode.window as { showWarningMessage: unknown }).showWarningMessage = (_m: string, o: { detail?: string }) => {
        detail = o.detail ?? '';
        return Promise.resolve(answer);
      };
      try {
        await vscode.commands.executeCommand('containerWorkspaces.removeContainer', row);
      } finally {
        (vscode.window as { showWarningMessage: unknown }).showWarningMessage = confirm;
      }
      await waitFor('the container to go', async () => {
        const ids = await engineCli(engine, ['ps', '-aq', '--no-trunc']);
        return !ids.includes(made!.id) || undefined;
      });
      return detail;
    }

    const volumeNames = async () => (await engineCli(engine, ['volume', 'ls', '-q'])).split('\n');

    it('Remove Container says what Remove with Volumes would delete, and Remove keeps the volume', async () => {
      const detail = await removeFromView('Remove');
      assert.match(detail, /Volumes are kept\./);
      assert.ok(
        detail.includes(`also deletes anonymous volumes and the repository volume ${made!.volume}. That is the clone`),
        detail,
      );
      assert.ok((await volumeNames()).includes(made!.volume), 'the volume is kept');
      assert.ok(existsSync(made!.folder), 'the config copied out of it stays');
    });

    it('made again, the clone is reused; Remove with Volumes deletes the volume and the copied config', async () => {
      const again = await vscode.commands.executeCommand<RepoWorkspace | undefined>(
        'containerWorkspaces.createWorkspaceContainerFromRepository',
        { url },
      );
      assert.ok(again, 'created again');
      assert.equal(again.volume, made!.volume);
      const kept = await engineCli(engine, ['exec', '-w', again.workspaceFolder, again.id, 'cat', 'hello.txt']);
      assert.equal(kept, 'cloned', 'the clone that was kept');
      made = again;
      await removeFromView('Remove with Volumes');
      await waitFor('the volume to go', async () => !(await volumeNames()).includes(made!.volume) || undefined);
      assert.ok(!existsSync(made.folder), 'the config copied out of the volume is gone');
    });
  });
}
