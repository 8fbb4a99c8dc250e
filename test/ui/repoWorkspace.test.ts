// What a person sees creating a workspace container from a repository: the address and branch
// asked, the clone's progress (the loopback git server holds its answers until the screenshot is
// taken), then the row known by its repository, a shell in the clone, and a removal that keeps the
// volume. The repository is served by git http-backend behind basic auth; this machine's git holds
// the password in a throw-away `store` file and lends it to the clone.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { DEBIAN_IMAGE, engineCli, requireDebianImage, requireEngine } from '../support/engines';
import { seedBareRepository, startGitHttpServer, type GitHttpServer } from '../support/gitHttpServer';
import {
  openContainersView,
  openWorkbench,
  requireBrowser,
  runCommand,
  runFromContextMenu,
  type Workbench,
} from './workbench';

describe('UI: a workspace cloned from a repository into a volume', function () {
  this.timeout(300_000);
  let wb: Workbench | undefined;
  let page: Page;
  let containers: Locator;
  let http: GitHttpServer | undefined;
  let root = '';
  let url = '';
  let release: () => void = () => undefined;
  const volumes = async () => (await engineCli('docker', ['volume', 'ls', '-q'])).split('\n');
  const ours = async () =>
    (await engineCli('docker', ['ps', '-aq', '--filter', `label=dev.containerworkspaces.repo=${url}`]))
      .split('\n')
      .filter(Boolean);

  before(async function () {
    requireBrowser(this);
    requireEngine(this, 'docker');
    await requireDebianImage(this, 'docker');
    root = mkdtempSync(join(tmpdir(), 'cws-ui-repo-'));
    const repos = join(root, 'repos');
    mkdirSync(repos);
    // The run's secret when npm test set one: its last stage proves no log or transcript holds it.
    const password = process.env.CWS_TEST_SECRET_TOKEN ?? `pw-${Math.random().toString(36).slice(2)}`;
    http = await startGitHttpServer({
      root: repos,
      user: 'erin',
      password,
      gate: new Promise<void>((r) => (release = r)),
    });
    url = `${http.url}/ui-app.git`;
    writeFileSync(join(root, 'gitconfig'), `[credential]\n\thelper = store --file ${join(root, 'creds')}\n`);
    writeFileSync(join(root, 'creds'), `http://erin:${password}@127.0.0.1:${http.port}\n`, { mode: 0o600 });
    const bare = join(repos, 'ui-app.git');
    await seedBareRepository(bare, join(root, 'seed'), {
      'from-the-clone.txt': 'cloned\n',
      '.devcontainer/devcontainer.json': JSON.stringify({ image: DEBIAN_IMAGE }),
    });
    wb = await openWorkbench({
      env: {
        CONTAINER_RUNTIME: 'docker',
        GIT_CONFIG_GLOBAL: join(root, 'gitconfig'),
        GIT_CONFIG_NOSYSTEM: '1',
        CWS_FORWARD_DIR: join(root, 'fwd'),
        CWS_REPOS_DIR: join(root, 'configs'),
      },
      settings: {
        'containerWorkspaces.clone.image': DEBIAN_IMAGE,
        'containerWorkspaces.clone.network': 'host',
        'terminal.integrated.gpuAcceleration': 'off',
      },
    });
    page = wb.page;
    containers = await openContainersView(page);
  });

  after(async () => {
    release();
    await wb?.close();
    if (url)
      for (const id of await ours().catch(() => [])) await engineCli('docker', ['rm', '-f', id]).catch(() => undefined);
    const left = (await volumes().catch(() => [])).filter((v) => v.startsWith('cws-repo-ui-app-'));
    for (const v of left) await engineCli('docker', ['volume', 'rm', '-f', v]).catch(() => undefined);
    await http?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('the address and branch asked, the clone in progress, then the row known by its repository', async () => {
    await runCommand(page, 'Containers: Create Workspace Container from Repository…');
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-widget', { hasText: 'The repository to clone into a container volume' }).waitFor();
    await input.fill('--upload-pack=touch /tmp/x');
    await page.locator('.quick-input-widget', { hasText: 'Not a repository address git can clone' }).waitFor();
    await input.fill(url);
    await input.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'Branch or tag (empty: the default branch)' }).waitFor();
    await input.press('Enter');
    const progress = page.locator('.notifications-toasts .notification-toast', { hasText: /Cloning/ });
    await progress.waitFor({ timeout: 60_000 });
    await wb!.screenshot('repo-1-cloning');
    release();
    const done = page.locator('.notifications-toasts .notification-toast', {
      hasText: /Workspace container .* is running, with .*ui-app\.git in volume cws-repo-ui-app-/,
    });
    await done.waitFor({ timeout: 120_000 });
    const row = containers.locator(
      `.monaco-list-row[aria-label*=", clone of 127.0.0.1:${http!.port}/ui-app, running"]`,
    );
    await row.waitFor({ timeout: 15_000 });
    assert.match(await row.innerText(), new RegExp(`clone of 127\\.0\\.0\\.1:${http!.port}/ui-app`));
    await wb!.screenshot('repo-2-created');
  });

  it('Open Shell on the row starts in the clone: its files are there', async () => {
    const row = containers.locator(
      `.monaco-list-row[aria-label*=", clone of 127.0.0.1:${http!.port}/ui-app, running"]`,
    );
    await runFromContextMenu(page, row, 'Open Shell in Container');
    const active = '.terminal-wrapper.active .xterm-rows';
    await page.waitForFunction(
      (sel) => /[#$]\s*$/.test(`${document.querySelector(sel)?.textContent?.trim()} `),
      active,
      {
        timeout: 30_000,
      },
    );
    await page.keyboard.type('pwd; ls\n');
    await page.waitForFunction(
      (sel) => /\/workspaces\/ui-app[\s\S]*from-the-clone\.txt/.test(document.querySelector(sel)?.textContent ?? ''),
      active,
      { timeout: 30_000 },
    );
    await wb!.screenshot('repo-3-shell-in-clone');
  });

  it('Remove Container says the volume is kept unless asked; Remove keeps it', async () => {
    const [id] = await ours();
    const volume = await engineCli('docker', [
      'inspect',
      '-f',
      '{{index .Config.Labels "dev.containerworkspaces.repo.volume"}}',
      id,
    ]);
    const row = containers.locator(
      `.monaco-list-row[aria-label*=", clone of 127.0.0.1:${http!.port}/ui-app, running"]`,
    );
    await runFromContextMenu(page, row, 'Remove Container…');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10_000 });
    const text = await dialog.innerText();
    assert.match(text, /Volumes are kept/);
    assert.ok(text.includes(`the repository volume ${volume}`), text);
    await wb!.screenshot('repo-4-remove-confirmation');
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await row.waitFor({ state: 'detached', timeout: 20_000 });
    assert.deepEqual(await ours(), [], 'the container is gone');
    assert.ok((await volumes()).includes(volume), 'the volume with the clone is kept');
  });
});
