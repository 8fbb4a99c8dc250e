// An engine outage as a person sees it, in the real workbench: the extension points at a private
// dockerd (so killing it harms no other test); with the Containers view and a stats panel open
// the daemon is SIGKILLed, then started again. The status bar, the view and the panel say it is
// down; exactly one notification says so and closes itself; rows and stats are back within 5 s of
// the engine answering, without a reload. Screenshots of both moments.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { TEST_IMAGE, requireEngine } from '../support/engines';
import { runOn, startPrivateDocker, type PrivateEngine } from '../support/privateEngine';
import { sampleWorkspace } from '../support/paths';
import { recordFault } from '../support/tally';
import {
  openContainersView,
  openWorkbench,
  requireBrowser,
  runFromContextMenu,
  runtimeStatusItem,
  type Workbench,
} from './workbench';

const RECOVER_MS = 5_000;
const NOTICE = 'stopped answering';
const TICKER = ['sh', '-c', 'trap "exit 0" TERM; while :; do echo tick; sleep 0.2; done'];

const statsFrame = (page: Page): FrameLocator =>
  page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

/** Counts, in the page, every notification toast about the outage that ever appears (not only the visible ones). */
async function countNotices(page: Page): Promise<void> {
  await page.evaluate((text) => {
    const seen = new Set<Element>();
    const w = window as unknown as { cwsNotices: () => number };
    w.cwsNotices = () => seen.size;
    const scan = () => {
      document.querySelectorAll('.notifications-toasts .notification-list-item').forEach((el) => {
        if (el.textContent?.includes(text)) seen.add(el);
      });
    };
    new MutationObserver(scan).observe(document.body, { childList: true, subtree: true });
    scan();
  }, NOTICE);
}

const notices = (page: Page) => page.evaluate(() => (window as unknown as { cwsNotices: () => number }).cwsNotices());

describe('UI: an engine outage and its recovery (private dockerd, SIGKILLed)', function () {
  this.timeout(180_000);
  let engine: PrivateEngine | undefined;
  let wb: Workbench | undefined;
  let page: Page;
  let containers: Locator;
  const tickerRow = () =>
    containers.locator(`.monaco-list-row[aria-label="cws-ui-ticker, ${TEST_IMAGE}, running, in this workspace"]`);

  before(async function () {
    requireBrowser(this);
    requireEngine(this, 'docker');
    engine = await startPrivateDocker();
    // The sample workspace's container, so the shell and logs commands pick it by themselves.
    await runOn(engine, 'cws-ui-ticker', TICKER, [
      '--restart',
      'always',
      '--stop-timeout',
      '1',
      '--label',
      `dev.containerworkspaces.workspace=${sampleWorkspace}`,
      '--label',
      'dev.containerworkspaces.workspace.target=/',
    ]);
    await runOn(engine, 'cws-ui-idle', ['sleep', '3600'], ['--restart', 'always']);
    wb = await openWorkbench({
      folder: sampleWorkspace,
      settings: {
        'containerWorkspaces.runtime': 'docker',
        'containerWorkspaces.docker.host': engine.url,
        'terminal.integrated.gpuAcceleration': 'off',
      },
    });
    page = wb.page;
    containers = await openContainersView(page);
    await runtimeStatusItem(page)
      .filter({ hasText: /Docker \d/ })
      .waitFor({ timeout: 30_000 });
  });
  afterEach(async function () {
    // What the window showed when a step timed out: the one clue a wait's message cannot give.
    if (this.currentTest?.state === 'failed') await wb?.screenshot('outage-failed').catch(() => undefined);
  });
  after(async () => {
    await wb?.close();
    await engine?.stop();
  });

  it('killed: the status bar, the view, the stats panel and the terminals say so, with one notification; restarted: all back within 5 s', async () => {
    await tickerRow().waitFor({ timeout: 20_000 });
    // A shell, then a logs terminal (the visible one), then the stats panel.
    await runFromContextMenu(page, tickerRow(), 'Open Shell in Container');
    await page.waitForFunction(
      () => /#\s*$/.test(`${document.querySelector('.terminal-wrapper.active .xterm-rows')?.textContent?.trim()} `),
      undefined,
      { timeout: 20_000 },
    );
    await runFromContextMenu(page, tickerRow(), 'Follow Container Logs');
    await page.waitForFunction(
      () => /tick/.test(document.querySelector('.terminal-wrapper.active .xterm-rows')?.textContent ?? ''),
      undefined,
      { timeout: 20_000 },
    );
    await runFromContextMenu(page, tickerRow(), 'Show Container Stats');
    const stats = statsFrame(page);
    const statsRow = stats.locator('tr.row', { has: stats.locator('.name', { hasText: 'cws-ui-ticker' }) });
    await statsRow.waitFor({ timeout: 30_000 });
    await countNotices(page);

    let down = false;
    try {
      await engine!.kill();
      await runtimeStatusItem(page)
        .filter({ hasText: /Docker: not running/ })
        .waitFor({ timeout: 15_000 });
      await page.locator('.notifications-toasts .notification-list-item', { hasText: NOTICE }).waitFor();
      // The Containers view explains instead of showing stale rows; the panel says it too.
      await containers.locator('.welcome-view-content', { hasText: /Docker/ }).waitFor({ timeout: 10_000 });
      await stats.locator('body', { hasText: /not running/ }).waitFor({ timeout: 10_000 });
      assert.equal(await tickerRow().count(), 0, 'no stale rows while the engine is down');
      // The followed log says the engine went (rather than going quiet as if the container were).
      await page.waitForFunction(
        () =>
          /not answering; following again once it is back/.test(
            document.querySelector('.terminal-wrapper.active .xterm-rows')?.textContent ?? '',
          ),
        undefined,
        { timeout: 10_000 },
      );
      assert.equal(await notices(page), 1, 'one notification for the outage');
      await wb!.screenshot('outage-1-engine-down');
      down = true;
    } finally {
      recordFault(
        'UI: dockerd SIGKILLed with the Containers view, a stats panel, a shell and a logs terminal open',
        down,
      );
    }

    let back = false;
    try {
      const answeredAt = await engine!.start();
      const left = () => Math.max(1, answeredAt + RECOVER_MS - Date.now());
      await runtimeStatusItem(page)
        .filter({ hasText: /Docker \d/ })
        .waitFor({ timeout: left() });
      await tickerRow().waitFor({ timeout: left() });
      await statsRow.waitFor({ timeout: left() });
      console.log(`      back ${Date.now() - answeredAt} ms after the engine answered /_ping`);
      // The notification closed itself, and no second one came.
      await page
        .locator('.notifications-toasts .notification-list-item', { hasText: NOTICE })
        .waitFor({ state: 'detached', timeout: 10_000 });
      assert.equal(await notices(page), 1, 'still one notification for the whole outage');
      // Stats flow again: the CPU cell of the ticker's row shows a number.
      await stats.locator('tr.row .c-cpu .num').first().waitFor({ timeout: 10_000 });
      // The logs terminal follows again: new ticks after its note (the ticker restarted with dockerd).
      await page.waitForFunction(
        () =>
          /answers again: following the log\]\s*(tick\s*){2,}/.test(
            Array.from(
              document.querySelectorAll<HTMLElement>('.terminal-wrapper .xterm-rows'),
              (e) => e.textContent ?? '',
            ).join('\n'),
          ),
        undefined,
        { timeout: 15_000 },
      );
      await wb!.screenshot('outage-2-recovered');
      back = true;
    } finally {
      recordFault('UI: dockerd restarted: status bar, rows and stats back without a reload', back);
    }
  });
});
