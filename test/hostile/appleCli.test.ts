// Apple's `container` CLI (test/fakes/container in its place) answering badly, through the real
// AppleRuntime → AppleCli path: garbage, HTML, nothing, JSON cut short, the wrong types, too deep,
// too many entries, more than 8 MiB, NUL bytes, control characters, a call that never returns,
// a child that keeps the output pipe open, a CLI path that is not a program. Each is one bad input
// (tryBadInput): a clear RuntimeError naming the command — never a TypeError, never a hang past
// the time-out — and no process of the fake left behind.
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppleRuntime } from '../../src/core/runtime/apple/appleRuntime';
import { MAX_OUTPUT_BYTES } from '../../src/core/runtime/apple/cli';
import { RuntimeError, type RuntimeErrorCode } from '../../src/core/runtime/errors';
import { alive, FakeBed, fakeGrandchildren } from '../support/appleFake';
import { tryBadInput } from '../support/tally';
import { until } from '../support/until';

/** The runtime's time-out for these calls, and the limit past which a call counts as a hang. */
const TIMEOUT_MS = 2_000;
const HANG_LIMIT_MS = TIMEOUT_MS + 6_000;

describe('hostile: Apple container CLI answers', function () {
  this.timeout(60_000);
  let bed: FakeBed;
  let n = 0;
  before(() => {
    bed = new FakeBed();
  });
  after(async () => {
    await bed.cleanup();
  });
  afterEach(async () => {
    // Whatever a bad answer did, no fake process of it is still running.
    await until('no fake CLI process left', () => (bed.running().length ? undefined : true), 5_000);
  });

  /** A runtime whose `ls`, `inspect`, `stats` and `image ls` print exactly these bytes. */
  function answering(bytes: string | Buffer): AppleRuntime {
    const file = join(bed.dir, `answer-${++n}`);
    writeFileSync(file, bytes);
    return bed.runtime({ CWS_FAKE_CONTAINER_ANSWER: file }, { timeoutMs: TIMEOUT_MS });
  }

  /** The call fails with a RuntimeError of this code whose message matches. */
  async function refused(
    name: string,
    call: (signal: AbortSignal) => Promise<unknown>,
    code: RuntimeErrorCode,
    message: RegExp,
  ): Promise<void> {
    const r = await tryBadInput(`apple CLI: ${name}`, call, { limitMs: HANG_LIMIT_MS });
    assert.ok(r.error instanceof RuntimeError, `${name}: a RuntimeError, got ${String(r.error ?? r.value)}`);
    assert.equal(r.error.code, code, `${name}: ${r.error.message}`);
    assert.match(r.error.message, message, name);
  }

  const notJson = (cmd: string, problem: string) =>
    new RegExp(`^Apple's container CLI: \`container ${cmd}\` answered with ${problem}`);

  describe('ls', () => {
    const cases: [string, string | Buffer, string][] = [
      ['garbage text', 'Segmentation fault (core dumped)\n', 'something that is not JSON'],
      ['an HTML error page', '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>', 'an HTML page'],
      ['nothing at all', '', 'nothing where JSON was expected'],
      ['only whitespace', ' \n\t\n', 'nothing where JSON was expected'],
      ['JSON cut short', '[{"id":"web","configuration":{"image":{"reference":"docker.io/li', 'JSON that is cut short'],
      ['a number', '42\n', 'a number where a list of containers was expected'],
      ['a string', '"all good"\n', 'a string where a list of containers was expected'],
      ['null', 'null\n', 'null where a list of containers was expected'],
      ['NUL bytes', Buffer.from('[{"id":"a"}]\0\0\0'), 'NUL bytes, not JSON'],
      ['nesting 10 000 deep', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, 'JSON nested more than 64 levels deep'],
      ['20 000 entries', `[${Array.from({ length: 20_000 }, () => '{}').join(',')}]`, '20000 entries, more than'],
      [
        'ANSI colours and an OSC title instead of JSON',
        '\x1b[31mError\x1b[0m\x1b]0;pwned\x07',
        'something that is not JSON',
      ],
    ];
    for (const [name, bytes, problem] of cases) {
      it(`${name}: a clear error naming \`container ls\``, async () => {
        const rt = answering(bytes);
        await refused(
          `ls answers ${name}`,
          (signal) => rt.listContainers({ signal }),
          'internal',
          notJson('ls', problem),
        );
      });
    }

    it('an answer over 8 MiB: the CLI is stopped and the call fails saying so', async () => {
      const entry = JSON.stringify({ id: 'x'.repeat(1000), status: 'running' });
      const big = `[${Array.from({ length: Math.ceil((MAX_OUTPUT_BYTES * 1.1) / entry.length) }, () => entry).join(',')}]`;
      const rt = answering(big);
      await refused(
        'ls answers more than 8 MiB',
        (signal) => rt.listContainers({ signal }),
        'internal',
        /`container ls` with more than 8 MiB; it was stopped/,
      );
    });

    it('control characters in a message sample are escaped', async () => {
      const rt = answering('\x1b[2J\x1b]8;;http://evil\x07click\x1b]8;;\x07 \u009b31m \u202eoops');
      const r = await tryBadInput('apple CLI: ls answers terminal controls', (signal) => rt.listContainers({ signal }));
      assert.ok(r.error instanceof RuntimeError);
      // eslint-disable-next-line no-control-regex -- what must not be in the message
      assert.doesNotMatch(r.error.message, /[\u001b\u0007\u009b\u202e]/);
      assert.match(r.error.message, /\\x1b\[2J/);
    });

    it('wrong types in every field: listed as far as it makes sense, no TypeError', async () => {
      const rt = answering(
        JSON.stringify([
          { id: 7, status: [], configuration: 'cfg' },
          { id: 'odd', status: { state: 12 }, configuration: { labels: 'l', publishedPorts: {}, image: [] } },
          { id: 'ok', status: 'running', configuration: { creationDate: 'yesterday', mounts: [null, 1, 'x'] } },
        ]),
      );
      const r = await tryBadInput('apple CLI: ls answers wrong types', (signal) => rt.listContainers({ signal }));
      assert.deepEqual(
        (r.value ?? []).map((c) => [c.id, c.state, c.image, c.created]),
        [
          ['odd', 'unknown', '', 0],
          ['ok', 'running', '', 0],
        ],
      );
    });

    it('invalid UTF-8 and control characters inside names: kept as they are, nothing breaks', async () => {
      const rt = answering(
        Buffer.concat([
          Buffer.from('[{"id":"bad-'),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from('","status":"running"},{"id":"esc\\u001b]0;x\\u0007","status":"stopped"}]'),
        ]),
      );
      const r = await tryBadInput('apple CLI: ls answers invalid UTF-8 and escapes in names', (signal) =>
        rt.listContainers({ signal }),
      );
      assert.deepEqual(
        r.value?.map((c) => c.id),
        ['bad-\ufffd\ufffd\ufffd', 'esc\u001b]0;x\u0007'],
      );
    });
  });

  describe('inspect, stats, image ls', () => {
    it('inspect answering garbage names `container inspect`', async () => {
      const rt = answering('not json at all');
      await refused(
        'inspect answers garbage',
        (signal) => rt.inspect('web', signal),
        'internal',
        notJson('inspect', 'something that is not JSON'),
      );
    });

    it('inspect answering an empty list: no such container', async () => {
      const rt = answering('[]');
      await refused(
        'inspect answers an empty list',
        (signal) => rt.inspect('web', signal),
        'notFound',
        /No such container: web/,
      );
    });

    it('stats answering the wrong type names `container stats`', async () => {
      const rt = answering('{"cpu": "lots"}');
      const r = await tryBadInput('apple CLI: stats answers an object without an id', (signal) =>
        rt.stats('web', signal),
      );
      assert.ok(r.error instanceof RuntimeError && r.error.code === 'conflict', String(r.error));
      const rt2 = answering('true');
      await refused(
        'stats answers true',
        (signal) => rt2.stats('web', signal),
        'internal',
        notJson('stats', 'a boolean where a list of snapshots'),
      );
    });

    it('image ls answering an object names `container image ls`', async () => {
      const rt = answering('{"images": []}');
      await refused(
        'image ls answers an object',
        (signal) => rt.listImages(signal),
        'internal',
        notJson('image ls', 'an object where a list of images'),
      );
    });
  });

  describe('a CLI that does not answer, or holds on', () => {
    it('hangs: the call times out at the time-out and the process is gone', async () => {
      const rt = bed.runtime({ CWS_FAKE_CONTAINER_HANG: '1' }, { timeoutMs: TIMEOUT_MS });
      const t0 = Date.now();
      await refused(
        'ls hangs',
        (signal) => rt.listContainers({ signal }),
        'timeout',
        /did not answer in time \(`container ls` took more than 2 s\)/,
      );
      assert.ok(Date.now() - t0 < TIMEOUT_MS + 3_000, `took ${Date.now() - t0} ms`);
    });

    it('hangs with a grandchild holding stdout: still the time-out, and the whole group goes', async () => {
      const rt = bed.runtime(
        { CWS_FAKE_CONTAINER_HANG: '1', CWS_FAKE_CONTAINER_GRANDCHILD: '1' },
        { timeoutMs: TIMEOUT_MS },
      );
      const before = fakeGrandchildren(bed.dir).length;
      await refused(
        'ls hangs, its child holds the pipe',
        (signal) => rt.listContainers({ signal }),
        'timeout',
        /did not answer in time/,
      );
      const mine = fakeGrandchildren(bed.dir).slice(before);
      await until('the grandchild gone', () => (mine.some(alive) ? undefined : true), 5_000);
    });

    it('answers, but a grandchild keeps stdout open for a minute: the answer comes at once', async () => {
      const rt = bed.runtime({ CWS_FAKE_CONTAINER_GRANDCHILD: '1' }, { timeoutMs: TIMEOUT_MS });
      const before = fakeGrandchildren(bed.dir).length;
      const t0 = Date.now();
      const r = await tryBadInput(
        'apple CLI: ls answers, its child holds the pipe',
        (signal) => rt.listContainers({ signal }),
        {
          limitMs: HANG_LIMIT_MS,
        },
      );
      assert.ok(Array.isArray(r.value), String(r.error));
      assert.ok(
        Date.now() - t0 < HANG_LIMIT_MS,
        `took ${Date.now() - t0} ms: settled on the exit, not when the pipe closed`,
      );
      const mine = fakeGrandchildren(bed.dir).slice(before);
      assert.equal(mine.length, 1);
      await until('the grandchild gone', () => (mine.some(alive) ? undefined : true), 5_000);
    });

    it('the CLI path is a folder, or a file that is not executable: a clear error at once', async () => {
      const folder = join(bed.dir, 'a-folder');
      mkdirSync(folder);
      const plain = join(bed.dir, 'not-executable');
      writeFileSync(plain, '#!/bin/sh\necho hi\n', { mode: 0o644 });
      for (const [what, path] of [
        ['a folder', folder],
        ['a file without x', plain],
      ]) {
        const rt = bed.runtime({}, { cliPath: path, timeoutMs: TIMEOUT_MS });
        await refused(
          `the CLI path is ${what}`,
          (signal) => rt.ping(signal),
          'permission',
          new RegExp(`No permission to run ${path}`),
        );
      }
    });

    it('arguments Node cannot pass (a NUL in an exec value) are refused clearly, nothing is run', async () => {
      const rt = bed.runtime({}, { timeoutMs: TIMEOUT_MS });
      const calls = bed.calls().length;
      await refused(
        'exec env value with a NUL byte',
        () => rt.exec('web', { cmd: ['true'], env: { A: 'x\0y' } }),
        'invalidArgument',
        /Cannot run Apple's container CLI \(exec\)/,
      );
      await refused(
        'inspect an id with a NUL byte',
        (signal) => rt.inspect('we\0b', signal),
        'invalidArgument',
        /Not a valid container id: "we\\x00b"/,
      );
      assert.equal(bed.calls().length, calls, 'the CLI was not run');
    });
  });
});
