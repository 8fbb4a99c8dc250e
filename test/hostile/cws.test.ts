// `cws` (the built dist/cws.js, as a child process) given bad flags, bad environment, bad Docker
// config files and an engine that lies: exit code 2 for usage errors, 1 for runtime errors, a
// message that names the bad value (shortened when long), never a stack trace, never a hang; and
// text from the engine or the folder shown escaped, never sent to the terminal as control codes.
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ENGINE_SOCKETS,
  TEST_IMAGE,
  TEST_LABEL,
  engineCli,
  removeTestContainers,
  requireEngine,
  uniqueName,
} from '../support/engines';
import { FakeEngine, garbage, huge, json, silence } from '../support/fakeEngine';
import { tryBadInput } from '../support/tally';

const CWS = join(__dirname, '..', '..', '..', 'dist', 'cws.js');
/** cws must have exited by then (an engine that never answers is given the 15 s request time-out plus start-up). */
const HANG_MS = 15_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

class CrashError extends Error {}

/** Raw terminal controls that must never reach the terminal from engine or folder text. */
// eslint-disable-next-line no-control-regex -- these are what is looked for
const RAW_CONTROLS = /[\u001b\u0007\u009b\u009d\u202e\u2066-\u2069]/;

function cws(args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CWS, ...args], { env, signal, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('cws given bad input (child process)', function () {
  this.timeout(60_000);
  const root = mkdtempSync(join(tmpdir(), 'cws-hostile-'));
  const home = join(root, 'home');
  mkdirSync(home);
  /** No DOCKER_HOST, context or runtime from the machine running the tests: each case sets its own. */
  const clean: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, DOCKER_CONFIG: join(home, '.docker') };
  after(() => rmSync(root, { recursive: true, force: true }));

  /**
   * Runs cws on one bad input and counts it: a crash is an exit code other than 0/1/2 or a stack
   * trace on stderr; a hang is no exit within HANG_MS (the child is killed).
   */
  async function bad(name: string, args: string[], env: NodeJS.ProcessEnv = {}, limitMs = HANG_MS): Promise<Run> {
    const r = await tryBadInput(
      `cws: ${name}`,
      async (signal) => {
        const run = await cws(args, { ...clean, ...env }, signal);
        if (![0, 1, 2].includes(run.code) || /TypeError|ReferenceError|\n\s+at .*:\d+:\d+/.test(run.stderr))
          throw new CrashError(`exit ${run.code}: ${run.stderr.slice(0, 600)}`);
        return run;
      },
      { limitMs, isCrash: (e) => e instanceof CrashError },
    );
    return r.value!;
  }

  /** Exit code and a message on stderr that matches; the message stays short. */
  function expect(run: Run, code: number, pattern: RegExp): void {
    assert.equal(run.code, code, run.stderr);
    assert.match(run.stderr, pattern);
    const firstLine = run.stderr.split('\n')[0];
    assert.ok(firstLine.length <= 400, `message too long (${firstLine.length}): ${firstLine.slice(0, 200)}…`);
    assert.doesNotMatch(run.stderr, RAW_CONTROLS);
  }

  describe('flags: exit 2 with the flag named', () => {
    it('an unknown flag', async () => {
      expect(await bad('unknown flag', ['ls', '--bogus']), 2, /unknown option --bogus/);
    });
    it("another command's flag", async () => {
      expect(await bad("another command's flag", ['inspect', 'x', '--all']), 2, /unknown option --all/);
    });
    it('a valued flag without its value', async () => {
      expect(await bad('missing value', ['logs', 'x', '-n']), 2, /-n needs a value/);
    });
    it('an empty value', async () => {
      expect(await bad('empty --runtime=', ['ls', '--runtime=']), 2, /--runtime needs a value/);
      expect(await bad('empty --image', ['create', '--source', 'image', '--image', '']), 2, /--image needs a value/);
    });
    it('a value for a flag that takes none', async () => {
      expect(await bad('value for boolean flag', ['ls', '--all=yes']), 2, /--all takes no value/);
    });
    it('a 5000-character unknown command, with escapes in it: named, shortened, escaped', async () => {
      const run = await bad('huge unknown command', [`x\u001b]0;pwn\u0007${'y'.repeat(5000)}`]);
      expect(run, 2, /unknown command "x\\x1b\]0;pwn\\x07y+…"/);
    });
    it('a 5000-character unknown flag is shortened', async () => {
      expect(await bad('huge unknown flag', ['ls', `--${'z'.repeat(5000)}`]), 2, /unknown option --z+…$/m);
    });
  });

  describe('folders that do not exist: exit 2 naming them', () => {
    it('cws context DIR', async () => {
      expect(await bad('context missing dir', ['context', join(root, 'nope')]), 2, /no such folder: .*nope/);
    });
    it('cws context FILE', async () => {
      const file = join(root, 'a-file');
      writeFileSync(file, 'x');
      expect(await bad('context on a file', ['context', file]), 2, /not a folder: .*a-file/);
    });
    it('cws create DIR', async () => {
      expect(await bad('create missing dir', ['create', join(root, 'nope')]), 2, /no such folder/);
    });
    it('cws exec --workspace DIR (and with --runtime host)', async () => {
      const dir = join(root, 'gone');
      expect(await bad('exec --workspace missing', ['exec', '--workspace', dir, '--', 'true']), 2, /no such folder/);
      expect(
        await bad('exec host missing', ['exec', '--runtime', 'host', '--workspace', dir, '--', 'true']),
        2,
        /no such folder/,
      );
    });
  });

  describe('runtime and engine address from the environment', () => {
    it('CONTAINER_RUNTIME=bogus', async () => {
      expect(
        await bad('CONTAINER_RUNTIME=bogus', ['ls'], { CONTAINER_RUNTIME: 'bogus' }),
        2,
        /"bogus".*CONTAINER_RUNTIME/,
      );
    });
    it('CONTAINER_RUNTIME of 5000 characters: shortened', async () => {
      expect(
        await bad('CONTAINER_RUNTIME huge', ['ls'], { CONTAINER_RUNTIME: 'q'.repeat(5000) }),
        2,
        /Unknown container runtime "q+/,
      );
    });
    const hosts: [string, string, RegExp][] = [
      ['tcp://', 'tcp://', /Not an engine address: "tcp:\/\/"/],
      ['unix://', 'unix://', /Not an engine address: "unix:\/\/" \(no socket path\)/],
      ['ftp://x', 'ftp://x', /Unsupported engine address scheme "ftp:\/\/"/],
      ['tcp://host:99999', 'tcp://host:99999', /Not an engine address: "tcp:\/\/host:99999"/],
      ['no scheme', 'localhost:2375', /Not an engine address: "localhost:2375"/],
      ['5000 characters', `tcp://${'h'.repeat(5000)}:2375`, /Not an engine address: "tcp:\/\/h+…"/],
      ['an escape sequence', 'unix:///tmp/\u001b[2J.sock', /Not an engine address: "unix:\/\/\/tmp\/\\x1b\[2J\.sock"/],
    ];
    for (const [name, value, pattern] of hosts) {
      it(`DOCKER_HOST=${name}`, async () => {
        expect(
          await bad(`DOCKER_HOST ${name}`, ['ls'], { CONTAINER_RUNTIME: 'docker', DOCKER_HOST: value }),
          2,
          pattern,
        );
      });
    }
    it('DOCKER_CONTEXT naming a context that does not exist (5000 characters)', async () => {
      expect(
        await bad('DOCKER_CONTEXT huge', ['ls'], { CONTAINER_RUNTIME: 'docker', DOCKER_CONTEXT: 'c'.repeat(5000) }),
        2,
        /Docker context "c+…" \(from DOCKER_CONTEXT\) does not exist/,
      );
    });
  });

  describe("the user's Docker config files, malformed (DOCKER_CONFIG)", () => {
    let n = 0;
    /** A fresh DOCKER_CONFIG with config.json made by `make`. */
    function configDir(make: (configJson: string) => void): string {
      const dir = join(root, `cfg${n++}`);
      mkdirSync(dir, { recursive: true });
      make(join(dir, 'config.json'));
      return dir;
    }
    const env = (dir: string) => ({ CONTAINER_RUNTIME: 'docker', DOCKER_CONFIG: dir });

    it('config.json is garbage', async () => {
      const dir = configDir((p) => writeFileSync(p, '\u0000\u00ff{{{ not json'));
      expect(await bad('config.json garbage', ['ls'], env(dir)), 2, /config\.json is not valid JSON/);
    });
    it('config.json has currentContext of the wrong type', async () => {
      const dir = configDir((p) => writeFileSync(p, JSON.stringify({ currentContext: 5 })));
      expect(
        await bad('config.json wrong type', ['ls'], env(dir)),
        2,
        /"currentContext" in .*config\.json is not a string/,
      );
    });
    it('config.json is a list', async () => {
      const dir = configDir((p) => writeFileSync(p, '[1,2]'));
      expect(await bad('config.json a list', ['ls'], env(dir)), 2, /is not a JSON object/);
    });
    it('config.json is a FIFO (no writer): refused at once, not a hang', async () => {
      const dir = configDir((p) => execFileSync('mkfifo', [p]));
      expect(await bad('config.json FIFO', ['ls'], env(dir)), 2, /config\.json is not a regular file \(a FIFO\)/);
    });
    it('config.json is a directory', async () => {
      const dir = configDir((p) => mkdirSync(p));
      expect(
        await bad('config.json directory', ['ls'], env(dir)),
        2,
        /config\.json is not a regular file \(a directory\)/,
      );
    });
    it('config.json is 3 MiB', async () => {
      const dir = configDir((p) => writeFileSync(p, `{"x":"${'a'.repeat(3 * 1024 * 1024)}"}`));
      expect(await bad('config.json huge', ['ls'], env(dir)), 2, /config\.json is larger than 1024 KiB/);
    });

    /** config.json naming context "ctx", whose meta.json is made by `make`. */
    function contextDir(make: (metaJson: string) => void): string {
      return configDir((p) => {
        writeFileSync(p, JSON.stringify({ currentContext: 'ctx' }));
        const id = createHash('sha256').update('ctx').digest('hex');
        const metaDir = join(p, '..', 'contexts', 'meta', id);
        mkdirSync(metaDir, { recursive: true });
        make(join(metaDir, 'meta.json'));
      });
    }
    it("a context's meta.json is garbage", async () => {
      const dir = contextDir((p) => writeFileSync(p, 'garbage'));
      expect(
        await bad('meta.json garbage', ['ls'], env(dir)),
        2,
        /Docker context "ctx": .*meta\.json is not valid JSON/,
      );
    });
    it("a context's meta.json has Endpoints of the wrong type", async () => {
      const dir = contextDir((p) => writeFileSync(p, JSON.stringify({ Name: 'ctx', Endpoints: 'docker' })));
      expect(await bad('meta.json wrong types', ['ls'], env(dir)), 2, /Docker context "ctx" has no Docker endpoint/);
    });
    it("a context's meta.json is a FIFO", async () => {
      const dir = contextDir((p) => execFileSync('mkfifo', [p]));
      expect(await bad('meta.json FIFO', ['ls'], env(dir)), 2, /meta\.json is not a regular file \(a FIFO\)/);
    });
    it("a context's Host is not an address", async () => {
      const dir = contextDir((p) =>
        writeFileSync(p, JSON.stringify({ Name: 'ctx', Endpoints: { docker: { Host: 'ftp://\u001b[31m' } } })),
      );
      expect(
        await bad('meta.json bad Host', ['ls'], env(dir)),
        2,
        /Docker context "ctx" has an engine address that is not one/,
      );
    });
  });

  describe('an engine that lies, through DOCKER_HOST: exit 1 naming Docker', () => {
    let engine: FakeEngine;
    beforeEach(async () => {
      engine = await new FakeEngine().start();
    });
    afterEach(async () => {
      await engine.close();
    });
    const at = () => ({ CONTAINER_RUNTIME: 'docker', DOCKER_HOST: engine.url });

    it('garbage bytes', async () => {
      engine.on('/containers/json', garbage());
      expect(await bad('engine garbage', ['ls'], at()), 1, /Docker sent an answer that is not valid HTTP/);
    });
    it('a 200 MB list', async () => {
      engine.on('/containers/json', huge(200 * 1024 * 1024));
      expect(await bad('engine 200 MB', ['ls'], at()), 1, /more than \d+ bytes/);
    });
    it('wrong JSON types', async () => {
      engine.on('/containers/json', json([{ Id: 'a', Names: 7 }]));
      expect(await bad('engine wrong types', ['ls', '--json'], at()), 1, /Docker answered \/containers\/json .*Names/);
    });
    it('never answers: a time-out (exit 1) before the hang limit', async () => {
      engine.on('/containers/json', silence);
      expect(await bad('engine silent', ['ls'], at(), HANG_MS + 5_000), 1, /Docker did not answer in time/);
    });
    it('refused (no socket): "not running" at once', async () => {
      const started = Date.now();
      const run = await bad('engine refused', ['ls'], {
        CONTAINER_RUNTIME: 'docker',
        DOCKER_HOST: `unix://${join(root, 'none.sock')}`,
      });
      expect(run, 1, /Docker is not running/);
      assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
    });

    it('names, images, states and labels with ESC, OSC, C1 and bidi: escaped in ps, --json and inspect', async () => {
      const evil = 'a\u001b]8;;http://x\u0007b\u001b[2J\u009b31m\u202egnp.exe';
      engine.on(
        '/containers/json',
        json([{ Id: 'c0ffee', Names: [`/${evil}`], Image: evil, State: 'running', Status: evil, Labels: { l: evil } }]),
      );
      engine.on(
        '/containers/*/json',
        json({
          Id: 'c0ffee',
          Name: `/${evil}`,
          Config: { Image: evil, Labels: { l: evil } },
          State: { Status: 'running' },
        }),
      );
      const ps = await bad('engine escapes: ps', ['ps'], at());
      assert.equal(ps.code, 0, ps.stderr);
      assert.doesNotMatch(ps.stdout, RAW_CONTROLS);
      assert.match(ps.stdout, /a\\x1b\]8;;http:\/\/x\\x07b\\x1b\[2J\\u\{9b\}31m\\u\{202e\}gnp\.exe/);
      for (const args of [
        ['ps', '--json'],
        ['inspect', 'c0ffee'],
      ]) {
        const run = await bad(`engine escapes: ${args.join(' ')}`, args, at());
        assert.equal(run.code, 0, run.stderr);
        assert.doesNotMatch(run.stdout, RAW_CONTROLS);
        // The same value for a program that parses it.
        assert.ok(run.stdout.includes(evil) === false);
        assert.ok(JSON.stringify(JSON.parse(run.stdout)).includes(JSON.stringify(evil).slice(1, -1)));
      }
    });
  });

  describe('a folder whose files carry terminal escapes: cws context text output', () => {
    it('a Dockerfile FROM line with ESC and bidi characters is shown escaped', async () => {
      const dir = join(root, 'evil-folder');
      mkdirSync(dir);
      writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine\u001b]0;owned\u0007\u202e:3\n');
      const run = await bad('context: escapes in Dockerfile', ['context', dir]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /dockerfile/);
      assert.doesNotMatch(run.stdout, RAW_CONTROLS);
    });
  });
});

describe('cws on a real container labelled with terminal escapes (docker)', function () {
  this.timeout(60_000);
  const evil = 'x\u001b]0;owned\u0007\u001b[31m\u009b1m\u202eevil';
  let name: string;
  before(async function () {
    requireEngine(this, 'docker');
    name = uniqueName('cws-escape');
    await engineCli('docker', [
      'create',
      '--name',
      name,
      '--label',
      `${TEST_LABEL}=${process.pid}`,
      '--label',
      `evil=${evil}`,
      '--env',
      `EVIL=${evil}`,
      TEST_IMAGE,
      'sleep',
      '300',
    ]);
  });
  after(async () => {
    await removeTestContainers('docker');
  });

  it('`cws inspect` and `cws ps --all --json` print the label escaped; parsed back it is the same value', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CONTAINER_RUNTIME: 'docker',
      DOCKER_HOST: `unix://${ENGINE_SOCKETS.docker}`,
    };
    for (const args of [
      ['inspect', name],
      ['inspect', '--raw', name],
      ['ps', '--all', '--json'],
    ]) {
      const r = await tryBadInput(`cws ${args[0]}: real container with escapes in a label`, (signal) =>
        cws(args, env, signal),
      );
      const run = r.value!;
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stdout, RAW_CONTROLS);
      const parsed = JSON.parse(run.stdout) as
        { name: string; labels: Record<string, string> }[] | { labels: Record<string, string> };
      const mine = Array.isArray(parsed) ? parsed.find((c) => c.name === name) : parsed;
      assert.equal(mine?.labels.evil, evil);
    }
  });
});
