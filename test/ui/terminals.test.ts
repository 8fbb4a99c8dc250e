// What a person sees in the terminal panel: a shell in the workspace container running a command
// and showing its output, and followed logs growing as the container writes.
import * as assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import {
  TEST_IMAGE,
  engineCli,
  removeTestContainers,
  requireEngine,
  uniqueName,
  runTestContainer,
} from '../support/engines';
import { sampleWorkspace } from '../support/paths';
import { openContainersView, openWorkbench, requireBrowser, runFromContextMenu, type Workbench } from './workbench';

/** The text of the visible terminal (the DOM renderer keeps it in the page). */
async function terminalText(page: Page): Promise<string> {
  return page.locator('.terminal-wrapper.active .xterm-rows').innerText();
}

describe('UI: terminals into containers', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let page: Page;
  let containers: Locator;
  const name = uniqueName('cws-ui-term');

  before(async function () {
    requireBrowser(this);
    requireEngine(this, 'docker');
    await runTestContainer(
      'docker',
      name,
      ['sh', '-c', 'mkdir -p /srv; i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.5; done'],
      {
        flags: [
          '--label',
          `dev.containerworkspaces.workspace=${sampleWorkspace}`,
          '--label',
          'dev.containerworkspaces.workspace.target=/srv',
        ],
      },
    );
    wb = await openWorkbench({
      folder: sampleWorkspace,
      env: { CONTAINER_RUNTIME: 'docker' },
      settings: { 'terminal.integrated.gpuAcceleration': 'off' },
    });
    page = wb.page;
    containers = await openContainersView(page);
  });
  afterEach(async () => {
    await page?.keyboard.press('Escape');
  });
  after(async () => {
    await wb?.close();
    await removeTestContainers('docker').catch(() => undefined);
  });

  it('Open Shell: the command typed runs in the container and its output shows', async () => {
    const row = containers.locator(`.monaco-list-row[aria-label="${name}, ${TEST_IMAGE}, running, in this workspace"]`);
    await row.waitFor({ timeout: 20_000 });
    await runFromContextMenu(page, row, 'Open Shell in Container');
    await page.locator('.terminal-wrapper.active .xterm-rows').waitFor({ timeout: 20_000 });
    // The shell is ready when it has printed its prompt (busybox sh: "/srv # ").
    await page.waitForFunction(
      () => /#\s*$/.test(document.querySelector('.terminal-wrapper.active .xterm-rows')?.textContent?.trim() + ' '),
      undefined,
      { timeout: 20_000 },
    );
    await page.keyboard.type('echo "in $(pwd): $((6*7))"; cat /etc/hostname');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => /in \/srv: 42/.test(document.querySelector('.terminal-wrapper.active .xterm-rows')?.textContent ?? ''),
      undefined,
      { timeout: 10_000 },
    );
    const id = await engineCli('docker', ['inspect', '-f', '{{.Config.Hostname}}', name]);
    assert.match(await terminalText(page), new RegExp(id));
    await wb!.screenshot('term-1-shell-in-container');
    await page.keyboard.type('exit 7');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        /exited with code 7/.test(document.querySelector('.terminal-wrapper.active .xterm-rows')?.textContent ?? ''),
      undefined,
      { timeout: 10_000 },
    );
  });

  it('Follow Logs: the terminal shows the log and keeps growing', async () => {
    const row = containers.locator(`.monaco-list-row[aria-label="${name}, ${TEST_IMAGE}, running, in this workspace"]`);
    await runFromContextMenu(page, row, 'Follow Container Logs');
    await page.waitForFunction(
      () => /tick \d+/.test(document.querySelector('.terminal-wrapper.active .xterm-rows')?.textContent ?? ''),
      undefined,
      { timeout: 15_000 },
    );
    const last = async () =>
      Math.max(...[...(await terminalText(page)).matchAll(/tick (\d+)/g)].map((m) => Number(m[1])));
    const first = await last();
    const deadline = Date.now() + 20_000;
    while ((await last()) <= first && Date.now() < deadline) await page.waitForTimeout(200);
    assert.ok((await last()) > first, 'new lines arrived');
    await wb!.screenshot('term-2-follow-logs');
  });
});
