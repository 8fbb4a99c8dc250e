import * as assert from 'node:assert/strict';
import { FrameDemuxer } from '../../src/core/runtime/docker/demux';
import { toRuntimeEvent } from '../../src/core/runtime/docker/events';
import { JsonLineSplitter } from '../../src/core/runtime/streams/jsonLines';

describe('streamed JSON is parsed by lines, not by chunks', () => {
  it('objects cut anywhere, even inside a UTF-8 character, come out whole', () => {
    const text = '{"a":1}\n{"b":"ü€"}\n\n{"c":[1,2]}\n{"d":true}';
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const got: unknown[] = [];
      const s = new JsonLineSplitter((v) => got.push(v));
      s.push(bytes.subarray(0, cut));
      s.push(bytes.subarray(cut));
      s.end();
      assert.deepEqual(got, [{ a: 1 }, { b: 'ü€' }, { c: [1, 2] }, { d: true }], `cut at ${cut}`);
    }
  });

  it('a line that is not JSON is reported, and the rest still parses', () => {
    const got: unknown[] = [];
    const bad: string[] = [];
    const s = new JsonLineSplitter(
      (v) => got.push(v),
      (l) => bad.push(l),
    );
    s.push('{"a":1}\nnot json\n{"b":2}\n');
    assert.deepEqual([got, bad], [[{ a: 1 }, { b: 2 }], ['not json']]);
  });

  it('a line longer than the cap is dropped up to its newline, without being held; the next line parses', () => {
    const got: unknown[] = [];
    const bad: string[] = [];
    const s = new JsonLineSplitter(
      (v) => got.push(v),
      (l) => bad.push(l),
      100,
    );
    s.push('{"a":1}\n{"huge":"');
    for (let i = 0; i < 50; i++) s.push('x'.repeat(30)); // 1500 characters, no newline yet
    s.push('"}\n{"b":2}\n');
    s.end();
    assert.deepEqual(got, [{ a: 1 }, { b: 2 }]);
    assert.equal(bad.length, 1);
    assert.match(bad[0], /a line longer than 100 characters/);
    assert.ok(bad[0].length < 200, 'the report is short');
  });

  it('a stream that never sends a newline does not grow without bound and ends cleanly', () => {
    const bad: string[] = [];
    const s = new JsonLineSplitter(
      () => assert.fail('nothing is an object'),
      (l) => bad.push(l),
      1000,
    );
    for (let i = 0; i < 1000; i++) s.push('y'.repeat(100));
    s.end();
    assert.equal(bad.length, 1);
  });
});

describe('multiplexed attach/log frames', () => {
  const frame = (type: number, text: string) => {
    const body = Buffer.from(text);
    const h = Buffer.alloc(8);
    h[0] = type;
    h.writeUInt32BE(body.length, 4);
    return Buffer.concat([h, body]);
  };

  it('separates stdout and stderr, across any chunk boundary', () => {
    const all = Buffer.concat([frame(1, 'out ü\n'), frame(2, 'err €\n'), frame(1, 'more\n')]);
    for (let cut = 1; cut < all.length; cut++) {
      const got = { stdout: '', stderr: '' };
      const d = new FrameDemuxer((s, t) => {
        got[s] += t;
      });
      d.push(all.subarray(0, cut));
      d.push(all.subarray(cut));
      d.end();
      assert.deepEqual(got, { stdout: 'out ü\nmore\n', stderr: 'err €\n' }, `cut at ${cut}`);
    }
  });

  it('bytes that are not frames (bad stream type, padding, a 4 GB size) are passed on as text, not waited on', () => {
    for (const header of [
      [7, 0, 0, 0, 0, 0, 0, 5],
      [1, 9, 0, 0, 0, 0, 0, 5],
      [1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
    ]) {
      let out = '';
      const d = new FrameDemuxer((_s, t) => {
        out += t;
      });
      d.push(Buffer.concat([frame(1, 'first\n'), Buffer.from(header), Buffer.from('plain text\n')]));
      d.push(Buffer.from('more\n'));
      d.end();
      assert.match(out, /^first\n/);
      assert.match(out, /plain text\nmore\n$/, `header ${header.join(',')}`);
    }
  });
});

describe('engine events of the wrong shape', () => {
  it('are skipped, not thrown on: null, numbers, lists, an Action or Actor of the wrong type', () => {
    for (const raw of [null, 42, 'start', [1], { Action: 5, Actor: { ID: 'a' } }, { Action: 'start', Actor: 'a' }]) {
      assert.equal(toRuntimeEvent(raw), undefined, JSON.stringify(raw));
    }
    const e = toRuntimeEvent({
      Action: 'die',
      Actor: { ID: 'a', Attributes: { exitCode: 3, name: 'web' } },
      time: 'x',
    });
    assert.equal(e?.name, 'web');
    assert.equal(e?.attributes.exitCode, undefined, 'a number where the engine sends a string is left out');
  });
});

describe('engine events', () => {
  it('keeps container lifecycle events with name, image and exit code', () => {
    const e = toRuntimeEvent({
      Type: 'container',
      Action: 'die',
      Actor: { ID: 'abc', Attributes: { name: 'web', image: 'nginx', exitCode: '137', secret: 'x' } },
      timeNano: 1700000000123456800, // ns (as exact as a double holds)
    });
    assert.deepEqual(e, {
      type: 'container',
      action: 'die',
      id: 'abc',
      name: 'web',
      image: 'nginx',
      time: 1700000000123,
      attributes: { exitCode: '137' },
    });
  });

  it('reads the health status out of the action, and drops exec and non-container events', () => {
    assert.equal(
      toRuntimeEvent({
        Type: 'container',
        Action: 'health_status: unhealthy',
        Actor: { ID: 'a', Attributes: {} },
        time: 1,
      })?.attributes.healthStatus,
      'unhealthy',
    );
    assert.equal(toRuntimeEvent({ Type: 'container', Action: 'exec_start: sh -c ls', Actor: { ID: 'a' } }), undefined);
    assert.equal(
      toRuntimeEvent({ Type: 'container', Action: 'remove', Actor: { ID: 'a', Attributes: {} }, time: 1 })?.action,
      'destroy',
      'Podman says remove',
    );
    assert.equal(toRuntimeEvent({ Type: 'network', Action: 'connect', Actor: { ID: 'n' } }), undefined);
  });
});
