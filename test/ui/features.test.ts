// What a person sees creating a workspace container from a dev container config with two Features
// and every hook (test/fixtures/workspaces/create-features), in the real workbench: the Features
// installed, each hook command in a terminal of its own, in the spec's order (the Features' first);
// then, after the config is edited, the out-of-date notice, its Rebuild (with the confirmation) and
// a container that has the change.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { engineCli, removeLabelled, requireEngine } from '../support/engines';
import { repoRoot } from '../support/paths';
import { openContainersView, openWorkbench, requireBrowser, runCommand, type Workbench } from './workbench';

const NAME = 'features-ui';

function toast(page: Page, text: RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

/** The titles of the terminals, in the order the terminal tabs list them. */
async function terminalTitles(page: Page): Promise<string[]> {
  return (await page.locator('.terminal-tabs-entry').allInnerTexts()).map((t) => t.trim());
}

/** Waits until the file has `n` lines (hooks append to it), and returns them. */
async function linesOf(page: Page, file: string, n: number, timeout = 60_000): Promise<string[]> {
  const end = Date.now() + timeout;
  for (;;) {
    const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
    if (lines.length >= n) return lines;
    if (Date.now() > end) throw new Error(`${file} has ${lines.length} of ${n} lines: ${lines.join(' | ')}`);
    await page.waitForTimeout(200);
  }
}

/** Runs Create Workspace Container and picks the folder's dev container config as its source. */
async function createFromDevcontainer(page: Page): Promise<void> {
  await runCommand(page, 'Containers: Create Workspace Container…');
  // The pick offers the folder's dev container config (detected) and "An image…".
  const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: /Dev container/ }).first();
  await pick.waitFor({ timeout: 30_000 });
  await pick.click();
}

describe('UI: a dev container with Features and every hook', function () {
  this.timeout(300_000);
  let wb: Workbench | undefined;
  let page: Page;
  let folder: string;
  const root = mkdtempSync(join(tmpdir(), 'cws-ui-features-'));
  const images: string[] = [];

  before(async function () {
    requireBrowser(this);
    requireEngine(this, 'docker');
    folder = join(root, NAME);
    cpSync(join(repoRoot, 'test/fixtures/workspaces/create-features'), folder, { recursive: true });
    // The DOM renderer, so that the terminal's text can be read.
    wb = await openWorkbench({
      folder,
      env: { CONTAINER_RUNTIME: 'docker' },
      settings: { 'terminal.integrated.gpuAcceleration': 'off' },
    });
    page = wb.page;
    await openContainersView(page);
  });
  afterEach(async () => {
    await page?.keyboard.press('Escape');
  });
  after(async () => {
    await wb?.close();
    await removeLabelled('docker', `dev.containerworkspaces.workspace=${folder}`).catch(() => undefined);
    for (const i of images) await engineCli('docker', ['rmi', '-f', i]).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  const containerOf = async () =>
    (await engineCli('docker', ['ps', '-aq', '--filter', `label=dev.containerworkspaces.workspace=${folder}`]))
      .split('\n')
      .filter(Boolean);

  it('Create Workspace Container: the Features installed, each hook in a terminal of its own, in order', async () => {
    await createFromDevcontainer(page);
    await toast(page, /Workspace container .* is running/).waitFor({ timeout: 180_000 });
    const lines = await linesOf(page, join(folder, 'hooks.log'), 6);
    assert.deepEqual(lines, [
      'feature-hello-onCreate',
      'onCreate',
      'updateContent',
      'postCreate-a',
      'feature-hello-postStart',
      'postStart remote-/opt/hello',
    ]);
    const titles = await terminalTitles(page);
    assert.deepEqual(titles, [
      `onCreateCommand (feature ./hello): ${NAME}`,
      `onCreateCommand: ${NAME}`,
      `updateContentCommand: ${NAME}`,
      `postCreateCommand "a": ${NAME}`,
      `postCreateCommand "env": ${NAME}`,
      `postStartCommand (feature ./hello): ${NAME}`,
      `postStartCommand: ${NAME}`,
    ]);
    await wb!.screenshot('features-1-hooks-in-terminals');
    const [id] = await containerOf();
    assert.ok(id, 'the workspace container is there');
    images.push(await engineCli('docker', ['inspect', '-f', '{{.Image}}', id]));
    assert.equal(await engineCli('docker', ['exec', id, 'cat', '/opt/hello/greeting']), 'hi there');
  });

  it('an edited config: the notice offers Rebuild; after the confirmation the new container has the change', async () => {
    const [before] = await containerOf();
    const cfg = join(folder, '.devcontainer/devcontainer.json');
    writeFileSync(
      cfg,
      readFileSync(cfg, 'utf8').replace('"remoteUser"', '"containerEnv": { "EDITED": "yes" },\n  "remoteUser"'),
    );
    rmSync(join(folder, 'hooks.log'));
    await createFromDevcontainer(page);
    const notice = toast(page, /was made from an earlier version of the dev container config/);
    await notice.waitFor({ timeout: 60_000 });
    await wb!.screenshot('features-2-out-of-date');
    await notice.getByRole('button', { name: 'Rebuild' }).click();
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'Rebuild the workspace container?' });
    await dialog.waitFor({ timeout: 10_000 });
    assert.match(await dialog.innerText(), /volumes stay/);
    await wb!.screenshot('features-3-rebuild-confirm');
    await dialog.getByRole('button', { name: 'Rebuild' }).click();
    await toast(page, /Workspace container .* is running/)
      .last()
      .waitFor({ timeout: 180_000 });
    await linesOf(page, join(folder, 'hooks.log'), 6);
    // The new run's terminals replace the last run's (their commands had ended): seven again, not fourteen.
    assert.equal((await terminalTitles(page)).length, 7, (await terminalTitles(page)).join(' | '));
    const [after] = await containerOf();
    assert.ok(after && after !== before, `a new container (${before} → ${after})`);
    assert.match(await engineCli('docker', ['inspect', '-f', '{{json .Config.Env}}', after]), /"EDITED=yes"/);
    await wb!.screenshot('features-4-rebuilt');
  });

  it("Open Shell in the workspace container: the config's remoteEnv is set in the shell", async () => {
    await runCommand(page, 'Containers: Open Shell in Container');
    // The shell is ready when it has printed its prompt (busybox sh as root: "… # ").
    await page.waitForFunction(
      () => /#\s*$/.test(document.querySelector('.terminal-wrapper.active .xterm-rows')?.textContent?.trim() + ' '),
      undefined,
      { timeout: 30_000 },
    );
    await page.keyboard.type('echo "R=[$CWS_REMOTE]"');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        /R=\[remote-\/opt\/hello\]/.test(
          document.querySelector('.terminal-wrapper.active .xterm-rows')?.textContent ?? '',
        ),
      undefined,
      { timeout: 15_000 },
    );
    await wb!.screenshot('features-5-shell-remote-env');
  });
});
