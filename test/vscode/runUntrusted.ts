// Launcher for the Restricted Mode suite (test/vscode/untrusted): the real workbench from
// code-server with workspace trust ON and a folder that was never trusted, so
// vscode.workspace.isTrusted is false in the extension host. The folder is made here and is hostile:
// its settings point the runtime, the engine and the Apple CLI elsewhere, its dev container, tasks
// and CLI would touch a marker file if anything of it ran. (The shared helper starts code-server
// with --disable-workspace-trust for the other suites, hence this launcher of its own.)
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cs from '../support/codeServer';
import { TEST_IMAGE } from '../support/engines';
import { repoRoot, resultsDir, screenshotsDir } from '../support/paths';
import { printResults } from './printResults';

const TIMEOUT_MS = 5 * 60_000;

/** The untrusted folder and the marker that anything run from it would create. */
function hostileFolder(): { folder: string; marker: string } {
  const folder = join(mkdtempSync(join(tmpdir(), 'cws-untrusted-ws-')), 'untrusted-app');
  const marker = join(tmpdir(), `cws-untrusted-ran-${process.pid}`);
  rmSync(marker, { force: true });
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  mkdirSync(join(folder, '.devcontainer'), { recursive: true });
  const evilCli = join(folder, 'evil-container');
  writeFileSync(evilCli, `#!/bin/sh\ntouch '${marker}'\n`);
  chmodSync(evilCli, 0o755);
  writeFileSync(
    join(folder, '.vscode/settings.json'),
    JSON.stringify(
      {
        'containerWorkspaces.runtime': 'apple',
        'containerWorkspaces.apple.cliPath': evilCli,
        'containerWorkspaces.docker.host': 'tcp://untrusted.invalid:2375',
        'containerWorkspaces.podman.host': 'tcp://untrusted.invalid:2375',
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(folder, '.devcontainer/devcontainer.json'),
    JSON.stringify({ image: TEST_IMAGE, postCreateCommand: `touch '${marker}'` }),
  );
  writeFileSync(join(folder, 'compose.yaml'), `services:\n  web:\n    image: ${TEST_IMAGE}\n`);
  writeFileSync(
    join(folder, '.vscode/tasks.json'),
    JSON.stringify({
      version: '2.0.0',
      tasks: [{ label: 'evil', type: 'container-workspaces', command: `touch '${marker}'` }],
    }),
  );
  return { folder, marker };
}

async function main(): Promise<number> {
  const executablePath = cs.findChromium();
  if (!executablePath) {
    console.error("No Chromium found (install Debian's chromium, or set CWS_CHROMIUM).");
    return 3;
  }
  const bin = cs.ensureCodeServer({ quiet: true });
  const resultsFile = join(resultsDir, 'exthost-untrusted.json');
  rmSync(resultsFile, { force: true });
  mkdirSync(screenshotsDir, { recursive: true });
  const { folder, marker } = hostileFolder();
  const port = await cs.freePort();
  // Kept after the run (like the main suite's): its logs are scanned for secrets.
  const dataDir = mkdtempSync(join(tmpdir(), 'cws-vscode-untrusted-'));
  mkdirSync(join(dataDir, 'ud/User'), { recursive: true });
  writeFileSync(
    join(dataDir, 'ud/User/settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': true,
      // Restricted Mode from the start, without the modal "Do you trust the authors?" question.
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.untrustedFiles': 'open',
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'update.mode': 'none',
      'git.openRepositoryInParentFolders': 'never',
    }),
  );
  const child = spawn(
    bin,
    [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--user-data-dir',
      join(dataDir, 'ud'),
      '--extensions-dir',
      join(dataDir, 'ext'),
      folder,
    ],
    {
      env: {
        ...process.env,
        CWS_RESULTS_FILE: resultsFile,
        CWS_UNTRUSTED_FOLDER: folder,
        CWS_UNTRUSTED_MARKER: marker,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += String(b)));
  child.stderr.on('data', (b: Buffer) => (output += String(b)));
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    const up = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${output}`);
      if (Date.now() > up) throw new Error(`code-server did not answer on ${base}:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(repoRoot)],
      ['extensionTestsPath', remote(join(repoRoot, 'out/test/vscode/untrusted/index.js'))],
    ];
    const url = `${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const browser = await chromium.launch({ executablePath, args: cs.CHROMIUM_ARGS, headless: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      // The workbench loads many files: on a busy machine that is slow; the results file is what counts.
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
      const deadline = Date.now() + TIMEOUT_MS;
      while (!existsSync(resultsFile)) {
        if (child.exitCode !== null) throw new Error(`code-server exited:\n${output}`);
        if (Date.now() > deadline) {
          await page.screenshot({ path: join(screenshotsDir, 'untrusted-timeout.png') });
          throw new Error(
            `the Restricted Mode suite wrote no results in ${TIMEOUT_MS / 1000} s; logs: ${dataDir}/ud/logs`,
          );
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      await page.screenshot({ path: join(screenshotsDir, 'untrusted-restricted-mode.png') });
    } finally {
      await browser.close();
    }
    await new Promise((r) => setTimeout(r, 200)); // let the writer finish
    const r = printResults(resultsFile)!;
    return r.failed ? 1 : 0;
  } finally {
    stop();
    rmSync(join(folder, '..'), { recursive: true, force: true });
    rmSync(marker, { force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
