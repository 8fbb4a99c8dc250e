// The Compose tool layer without an engine: invocations are argument arrays that reach a real child
// process verbatim, output is split into lines the same whatever the chunking, aborts end the child,
// and the tool lookup runs real (tiny, shell-script) executables on a PATH of our own.
import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KILL_GRACE_MS,
  LineSplitter,
  clearComposeToolCache,
  composeInvocation,
  composeMissingHint,
  findComposeTool,
  parseComposeVersion,
  runCompose,
  which,
  type ComposeTool,
} from '../../src/core/compose/composeTool';
import { RuntimeError } from '../../src/core/runtime/errors';

const NASTY = ['my project', 'it\'s "quoted"', '$(touch /tmp/cws-pwned)', '`id`', 'ünï cödé ✓', '; rm -rf ~', '*', ''];

/** Whether a process runs (a zombie does not: PID 1 here may never reap orphans). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** node -e SCRIPT as a "compose tool": what the prefix + args are, the child sees as process.argv. */
function nodeTool(script: string): ComposeTool {
  return {
    flavor: 'docker-compose',
    command: process.execPath,
    prefix: ['-e', script, '--'],
    label: 'node',
    version: process.versions.node,
  };
}

async function collect(tool: ComposeTool, cwd = process.cwd(), verbArgs: string[] = [], env?: NodeJS.ProcessEnv) {
  const lines: { line: string; stream: 'stdout' | 'stderr' }[] = [];
  const inv = composeInvocation(tool, { name: 'p', workingDir: cwd, files: [] }, verbArgs, {
    endpointUrl: 'unix:///x.sock',
    env,
  });
  const r = await runCompose(inv, { onLine: (line, stream) => lines.push({ line, stream }) });
  return {
    ...r,
    lines,
    out: lines.filter((l) => l.stream === 'stdout').map((l) => l.line),
    err: lines.filter((l) => l.stream === 'stderr').map((l) => l.line),
  };
}

describe('composeInvocation', () => {
  const plugin: ComposeTool = {
    flavor: 'docker-compose-plugin',
    command: '/usr/bin/docker',
    prefix: ['compose'],
    label: 'docker compose 2.24.5',
    version: '2.24.5',
  };
  const v1: ComposeTool = {
    flavor: 'docker-compose',
    command: '/usr/bin/docker-compose',
    prefix: [],
    label: 'docker-compose 1.29.2',
    version: '1.29.2',
  };

  it('puts prefix, project name, files, then the verb, each as one argument', () => {
    const inv = composeInvocation(
      plugin,
      { name: 'web app', workingDir: '/tmp/a b', files: ['/tmp/a b/compose.yaml', '/tmp/a b/compose.override.yaml'] },
      ['up', '-d', '--build'],
      { endpointUrl: 'unix:///var/run/docker.sock', env: { PATH: '/bin' } },
    );
    assert.deepEqual(inv, {
      command: '/usr/bin/docker',
      args: [
        'compose',
        '-p',
        'web app',
        '-f',
        '/tmp/a b/compose.yaml',
        '-f',
        '/tmp/a b/compose.override.yaml',
        'up',
        '-d',
        '--build',
      ],
      cwd: '/tmp/a b',
      env: { PATH: '/bin', DOCKER_HOST: 'unix:///var/run/docker.sock' },
    });
  });

  it('passes quotes, $(), backticks, unicode and empty strings through untouched', () => {
    const inv = composeInvocation(
      v1,
      { name: NASTY[0], workingDir: `/w/${NASTY[4]}`, files: NASTY.map((n) => `/w/${n}.yaml`) },
      ['run', ...NASTY],
      { endpointUrl: 'unix:///run/podman/podman.sock', env: {} },
    );
    assert.deepEqual(inv.args, ['-p', NASTY[0], ...NASTY.flatMap((n) => ['-f', `/w/${n}.yaml`]), 'run', ...NASTY]);
    assert.equal(inv.cwd, `/w/${NASTY[4]}`);
  });

  it('sets DOCKER_HOST (also ssh://, replacing one from the base env) and leaves the base env alone', () => {
    const base = { PATH: '/bin', DOCKER_HOST: 'tcp://elsewhere:2375', HOME: '/root' };
    const inv = composeInvocation(v1, { name: 'p', workingDir: '/w', files: [] }, ['ps'], {
      endpointUrl: 'ssh://me@host',
      env: base,
    });
    assert.deepEqual(inv.env, { PATH: '/bin', DOCKER_HOST: 'ssh://me@host', HOME: '/root' });
    assert.equal(base.DOCKER_HOST, 'tcp://elsewhere:2375');
    assert.deepEqual(inv.args, ['-p', 'p', 'ps'], 'no -f when the tool finds the files itself');
  });

  it('defaults to process.env', () => {
    const inv = composeInvocation(v1, { name: 'p', workingDir: '/w', files: [] }, [], {
      endpointUrl: 'npipe:////./pipe/docker_engine',
    });
    assert.equal(inv.env.PATH, process.env.PATH);
    assert.equal(inv.env.DOCKER_HOST, 'npipe:////./pipe/docker_engine');
  });

  it('reaches a real child process verbatim: arguments, folder and DOCKER_HOST (no shell)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cws compose ünï $(x) '));
    try {
      const tool = nodeTool(
        'console.log(JSON.stringify({ argv: process.argv.slice(1), cwd: process.cwd(), host: process.env.DOCKER_HOST }))',
      );
      const r = await collect(tool, dir, NASTY);
      assert.equal(r.exitCode, 0);
      assert.deepEqual(JSON.parse(r.out.join('')), { argv: ['-p', 'p', ...NASTY], cwd: dir, host: 'unix:///x.sock' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runCompose output lines', () => {
  it('splits on \\n and \\r\\n, treats a lone \\r as a redraw, flushes the last partial line, keeps streams apart', async () => {
    // Written in pieces with pauses, so lines and "\r\n" pairs arrive cut across chunks.
    const script = `
      const parts = [[1, 'one\\ntw'], [1, 'o\\r'], [1, '\\nthree\\r\\n\\n'], [2, 'err ü'], [2, '€\\n'], [1, '10%\\r50%\\r'], [1, '100%\\n'],
        [2, 'a\\r\\r\\nb'], [1, 'partial']];
      let i = 0;
      const next = () => { if (i === parts.length) { process.exitCode = 3; return; } const [fd, s] = parts[i++]; require('fs').writeSync(fd, s); setTimeout(next, 15); };
      next();`;
    const r = await collect(nodeTool(script));
    assert.equal(r.exitCode, 3);
    assert.equal(r.aborted, false);
    assert.deepEqual(r.out, ['one', 'two', 'three', '', '10%', '50%', '100%', 'partial']);
    assert.deepEqual(r.err, ['err ü€', 'a', 'b']);
  });

  it('LineSplitter gives the same lines wherever the text is cut', () => {
    const text = 'a\r\nbb\n\nc\rd\r\ne\r\r\nf';
    const whole: string[] = [];
    const s0 = new LineSplitter((l) => whole.push(l));
    s0.push(text);
    s0.end();
    assert.deepEqual(whole, ['a', 'bb', '', 'c', 'd', 'e', 'f']);
    for (let cut = 1; cut < text.length; cut++) {
      for (let cut2 = cut; cut2 < text.length; cut2++) {
        const got: string[] = [];
        const s = new LineSplitter((l) => got.push(l));
        s.push(text.slice(0, cut));
        s.push(text.slice(cut, cut2));
        s.push(text.slice(cut2));
        s.end();
        assert.deepEqual(got, whole, `cut at ${cut}, ${cut2}`);
      }
    }
  });

  it('a trailing \\r at the end of output is not a line of its own', () => {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l));
    s.push('x\n');
    s.push('\r');
    s.end();
    assert.deepEqual(got, ['x']);
  });
});

describe('runCompose processes', () => {
  it('a program that is not there rejects with a RuntimeError naming it', async () => {
    const inv = { command: '/nonexistent/docker-compose', args: ['up'], cwd: process.cwd(), env: process.env };
    await assert.rejects(
      runCompose(inv),
      (e: unknown) =>
        e instanceof RuntimeError &&
        e.code === 'notFound' &&
        e.message.includes('/nonexistent/docker-compose') &&
        !!e.hint,
    );
  });

  it('a project folder that is not there says so', async () => {
    const inv = {
      command: process.execPath,
      args: ['-e', '0'],
      cwd: join(tmpdir(), 'cws-no-such-dir-' + process.pid),
      env: process.env,
    };
    await assert.rejects(
      runCompose(inv),
      (e: unknown) =>
        e instanceof RuntimeError && e.code === 'invalidArgument' && e.message.includes('cws-no-such-dir'),
    );
  });

  it('abort ends a long-running tool quickly, with its children', async () => {
    // The child starts a grandchild (as `docker` does its compose plugin) and reports its pid.
    const script = `const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log(c.pid); setInterval(() => {}, 1000);`;
    const ac = new AbortController();
    let grandchild = 0;
    const t0 = Date.now();
    const r = await runCompose(
      { command: process.execPath, args: ['-e', script], cwd: process.cwd(), env: process.env },
      {
        signal: ac.signal,
        onLine: (l) => {
          grandchild = Number(l);
          ac.abort();
        },
      },
    );
    assert.equal(r.aborted, true);
    assert.equal(r.exitCode, 128 + 15);
    assert.ok(Date.now() - t0 < 2_000, `took ${Date.now() - t0} ms`);
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(alive(grandchild), false, 'the grandchild is gone too');
  });

  it('a tool that ignores SIGTERM is killed after the grace period', async function () {
    this.timeout(KILL_GRACE_MS + 10_000);
    const ac = new AbortController();
    const t0 = Date.now();
    const r = await runCompose(
      {
        command: process.execPath,
        args: ['-e', 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)'],
        cwd: process.cwd(),
        env: process.env,
      },
      { signal: ac.signal, onLine: () => ac.abort() },
    );
    assert.deepEqual(r, { exitCode: 128 + 9, aborted: true });
    assert.ok(Date.now() - t0 >= KILL_GRACE_MS - 100);
  });

  it('an already aborted signal starts nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await runCompose({ command: '/nonexistent/tool', args: [], cwd: '/', env: {} }, { signal: ac.signal });
    assert.equal(r.aborted, true);
  });
});

describe('findComposeTool over a PATH of real little programs', function () {
  let dir = '';
  const bin = (name: string) => join(dir, name);
  function tool(sub: string, name: string, body: string): string {
    mkdirSync(join(dir, sub), { recursive: true });
    const p = join(dir, sub, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
    return p;
  }

  before(function () {
    if (process.platform === 'win32') this.skip();
    dir = mkdtempSync(join(tmpdir(), 'cws-compose-path-'));
    // docker without the plugin (as Docker 20.10 says it), and with it.
    tool(
      'noplugin',
      'docker',
      'echo "docker: \'compose\' is not a docker command." >&2; echo "See \'docker --help\'" >&2; exit 1',
    );
    tool(
      'plugin',
      'docker',
      '[ "$1 $2" = "compose version" ] && echo "Docker Compose version v2.24.5-desktop.1" && exit 0; exit 1',
    );
    tool(
      'v1',
      'docker-compose',
      '[ "$1" = "--version" ] && echo "docker-compose version 1.29.2, build unknown" && exit 0; exit 1',
    );
    tool('podman43', 'podman', 'echo "Error: unrecognized command podman compose" >&2; exit 125');
    tool(
      'pc',
      'podman-compose',
      'echo "podman-compose version: 1.0.6"; echo "[\'podman\', \'--version\', \'\']"; echo "using podman version: 4.3.1"',
    );
    // Its sleep is a child of the script that holds the output open: a time-out has to end both.
    tool('slow', 'docker-compose', '/bin/sleep 2; echo "docker-compose version 9.9.9"');
    tool('notexec', 'docker-compose', 'echo "docker-compose version 1.0.0"');
    chmodSync(bin('notexec/docker-compose'), 0o644);
  });
  after(() => {
    clearComposeToolCache();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => clearComposeToolCache());

  const env = (...subs: string[]) => ({ PATH: subs.map((s) => join(dir, s)).join(':') });

  it('docker: the plugin first', async () => {
    const t = await findComposeTool('docker', { env: env('plugin', 'v1') });
    assert.deepEqual(t, {
      flavor: 'docker-compose-plugin',
      command: bin('plugin/docker'),
      prefix: ['compose'],
      label: 'docker compose 2.24.5-desktop.1',
      version: '2.24.5-desktop.1',
    });
  });

  it('docker: "\'compose\' is not a docker command" is not found, and docker-compose is next', async () => {
    const t = await findComposeTool('docker', { env: env('noplugin', 'v1') });
    assert.deepEqual(t, {
      flavor: 'docker-compose',
      command: bin('v1/docker-compose'),
      prefix: [],
      label: 'docker-compose 1.29.2',
      version: '1.29.2',
    });
  });

  it("podman: podman-compose before Docker's tools, Docker's tools when it is missing", async () => {
    assert.equal(
      (await findComposeTool('podman', { env: env('podman43', 'pc', 'noplugin', 'v1') }))?.label,
      'podman-compose 1.0.6',
    );
    assert.equal(
      (await findComposeTool('podman', { env: env('podman43', 'noplugin', 'v1') }))?.flavor,
      'docker-compose',
    );
    assert.equal(
      (await findComposeTool('podman', { env: env('podman43', 'plugin') }))?.flavor,
      'docker-compose-plugin',
    );
  });

  it('none at all, and files that are not executable do not count', async () => {
    assert.equal(await findComposeTool('docker', { env: env('noplugin', 'notexec') }), undefined);
    assert.equal(await findComposeTool('podman', { env: { PATH: '' } }), undefined);
  });

  it('caches per runtime and PATH until cleared', async () => {
    const a = await findComposeTool('docker', { env: env('noplugin', 'v1') });
    assert.equal(await findComposeTool('docker', { env: env('noplugin', 'v1') }), a, 'same answer, from the cache');
    assert.notEqual(await findComposeTool('docker', { env: env('plugin') }), a, 'another PATH is another answer');
    // Change what is on that PATH: the cache still answers until cleared.
    rmSync(bin('v1/docker-compose'));
    assert.equal(await findComposeTool('docker', { env: env('noplugin', 'v1') }), a);
    clearComposeToolCache();
    assert.equal(await findComposeTool('docker', { env: env('noplugin', 'v1') }), undefined);
    tool(
      'v1',
      'docker-compose',
      '[ "$1" = "--version" ] && echo "docker-compose version 1.29.2, build unknown" && exit 0; exit 1',
    );
  });

  it('a probe that hangs times out, and "none" is then not cached', async () => {
    const t0 = Date.now();
    assert.equal(await findComposeTool('docker', { env: env('noplugin', 'slow'), timeoutMs: 300 }), undefined);
    assert.ok(Date.now() - t0 < 1_500, `took ${Date.now() - t0} ms`);
    const t = await findComposeTool('docker', { env: env('noplugin', 'slow'), timeoutMs: 10_000 });
    assert.equal(t?.version, '9.9.9');
  });

  it('an aborted signal rejects', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    await assert.rejects(
      findComposeTool('docker', { env: env('noplugin', 'slow'), signal: ac.signal }),
      (e: unknown) => e instanceof RuntimeError && e.code === 'cancelled',
    );
    assert.ok(Date.now() - t0 < 1_500, `took ${Date.now() - t0} ms`);
  });
});

describe('compose helpers', () => {
  it("parseComposeVersion reads each tool's output", () => {
    assert.equal(parseComposeVersion('docker-compose version 1.29.2, build unknown'), '1.29.2');
    assert.equal(parseComposeVersion('Docker Compose version v2.24.5'), '2.24.5');
    assert.equal(
      parseComposeVersion('Docker Compose version 2.20.2+ds1-0ubuntu1~22.04.1'),
      '2.20.2+ds1-0ubuntu1~22.04.1',
    );
    assert.equal(parseComposeVersion('podman-compose version: 1.0.6\nusing podman version: 4.3.1'), '1.0.6');
    assert.equal(parseComposeVersion('podman-compose version 1.2.0\npodman version 5.0.0'), '1.2.0');
    assert.equal(parseComposeVersion("docker: 'compose' is not a docker command."), undefined);
  });

  it('which honours PATHEXT on Windows and skips .cmd/.bat', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cws-which-'));
    try {
      for (const f of ['tool.cmd', 'tool.EXE', 'other.bat']) writeFileSync(join(dir, f), '');
      assert.equal(
        which('tool', { Path: `C:\\nowhere;"${dir}"`, PATHEXT: '.CMD;.EXE' }, 'win32'),
        join(dir, 'tool.EXE'),
      );
      assert.equal(which('other', { Path: dir, PATHEXT: '.COM;.EXE;.BAT;.CMD' }, 'win32'), undefined);
      assert.equal(which('node', { PATH: `/nonexistent:${join(process.execPath, '..')}` }, 'linux'), process.execPath);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('composeMissingHint says what to install, per runtime and platform', () => {
    assert.match(composeMissingHint('docker', 'linux'), /docker-compose-plugin.*apt install docker-compose/s);
    assert.match(composeMissingHint('docker', 'darwin'), /Docker Desktop/);
    assert.match(composeMissingHint('podman', 'linux'), /pip install podman-compose.*podman compose/s);
    assert.match(composeMissingHint('podman', 'darwin'), /brew install podman-compose/);
    assert.match(composeMissingHint('podman', 'win32'), /pip install podman-compose/);
  });
});
