// What a person sees creating the workspace container from the palette, and starting a tunnel in a
// container: the pick of sources, the result, the login-code and address notifications.
import * as assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { DockerRuntime } from '../../src/core/runtime/docker/dockerRuntime';
import {
  ENGINE_SOCKETS,
  TEST_IMAGE,
  engineCli,
  removeLabelled,
  removeTestContainers,
  requireEngine,
  uniqueName,
  runTestContainer,
} from '../support/engines';
import { sampleWorkspace } from '../support/paths';
import { ensureTunnelImage, TUNNEL_IMAGE } from '../support/tunnelImage';
import {
  openContainersView,
  openWorkbench,
  requireBrowser,
  runCommand,
  runFromContextMenu,
  type Workbench,
} from './workbench';

const removeSampleWorkspaceContainers = () =>
  removeLabelled('docker', `dev.containerworkspaces.workspace=${sampleWorkspace}`);

function toast(page: Page, text: RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

describe('UI: workspace container and tunnel', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let page: Page;
  let containers: Locator;

  before(async function () {
    requireBrowser(this);
    requireEngine(this, 'docker');
    await removeSampleWorkspaceContainers();
    const rt = new DockerRuntime('docker', {
      url: `unix://${ENGINE_SOCKETS.docker}`,
      socketPath: ENGINE_SOCKETS.docker,
    });
    try {
      await ensureTunnelImage(rt, 'docker');
    } finally {
      void rt.close();
    }
    wb = await openWorkbench({ folder: sampleWorkspace, env: { CONTAINER_RUNTIME: 'docker' } });
    page = wb.page;
    containers = await openContainersView(page);
  });
  afterEach(async () => {
    await page?.keyboard.press('Escape');
  });
  after(async () => {
    await wb?.close();
    await removeTestContainers('docker').catch(() => undefined);
    await removeSampleWorkspaceContainers();
    // The image built from the sample's Dockerfile.
    const images = (await engineCli('docker', ['images', '-q', '--filter', 'reference=cws-sample-*']).catch(() => ''))
      .split('\n')
      .filter(Boolean);
    if (images.length) await engineCli('docker', ['rmi', '-f', ...images]).catch(() => undefined);
  });

  it("Create Workspace Container from the palette: a pick of what to make it from, then the container, marked as the workspace's", async () => {
    await runCommand(page, 'Containers: Create Workspace Container…');
    const dockerfile = page.locator('.quick-input-widget .monaco-list-row', { hasText: /^Dockerfile/ });
    await dockerfile.first().waitFor({ timeout: 20_000 });
    const rows = await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts();
    assert.ok(rows.some((r) => /Compose service/.test(r)) && rows.some((r) => /An image/.test(r)), rows.join(' | '));
    await wb!.screenshot('create-1-source-pick');
    await dockerfile.first().click();
    await toast(page, /Workspace container .* is running/).waitFor({ timeout: 120_000 });
    const row = containers.locator('.monaco-list-row[aria-label*="in this workspace"]').first();
    await row.waitFor({ timeout: 15_000 });
    await wb!.screenshot('create-2-created');
    const name = await row.locator('.label-name').innerText();
    assert.equal(
      await engineCli('docker', [
        'inspect',
        '-f',
        '{{index .Config.Labels "dev.containerworkspaces.workspace"}}',
        name,
      ]),
      sampleWorkspace,
    );
  });

  it('Start Tunnel: the login code, then the vscode.dev address, as notifications and on the row', async () => {
    const name = uniqueName('cws-ui-tunnel');
    await runTestContainer('docker', name, ['sleep', '600'], { image: TUNNEL_IMAGE });
    // Running, not the "created" a moment before: the tunnel entries are for running containers.
    const row = containers.locator(`.monaco-list-row[aria-label="${name}, ${TUNNEL_IMAGE}, running"]`);
    await row.waitFor({ timeout: 15_000 });
    await runFromContextMenu(page, row, 'Start Tunnel');
    const login = toast(page, /sign in with code ABCD-1234/);
    await login.waitFor({ timeout: 30_000 });
    assert.equal(await login.getByRole('button', { name: 'Copy Code & Open Login Page' }).count(), 1);
    await wb!.screenshot('tunnel-1-login-code');
    const ready = toast(page, /is ready: https:\/\/vscode\.dev\/tunnel\/sample/);
    await ready.waitFor({ timeout: 30_000 });
    await containers
      .locator(`.monaco-list-row[aria-label^="${name}, "] .label-description`, {
        hasText: /tunnel vscode\.dev\/tunnel\/sample/,
      })
      .waitFor({ timeout: 10_000 });
    await wb!.screenshot('tunnel-2-ready');
  });

  it('a container without the code CLI: says how to add it', async () => {
    const name = uniqueName('cws-ui-nocode');
    await runTestContainer('docker', name, ['sleep', '600']);
    const row = containers.locator(`.monaco-list-row[aria-label="${name}, ${TEST_IMAGE}, running"]`);
    await row.waitFor({ timeout: 15_000 });
    await runFromContextMenu(page, row, 'Start Tunnel');
    await toast(page, /has no `?code`? CLI/).waitFor({ timeout: 20_000 });
    assert.match(await toast(page, /has no `?code`? CLI/).innerText(), /Add the VS Code CLI to the image/);
    await wb!.screenshot('tunnel-3-no-code-cli');
  });
});
