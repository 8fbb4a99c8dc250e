// A dev container config's Features and hooks in a few words (src/core/detection/summary.ts): what the
// Services view's tooltip and row description show, one line each, whatever the file holds.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDevcontainer } from '../../src/core/detection/devcontainers';
import {
  commandText,
  DEVCONTAINER_HOOKS,
  featureText,
  hooksOf,
  ONE_LINE_MAX,
  summarize,
} from '../../src/core/detection/summary';
import type { DevcontainerConfig } from '../../src/core/detection/types';
import { fixturesDir } from '../support/fixtures';

function parse(text: string, folder = '/ws'): DevcontainerConfig {
  const { config, diagnostics } = parseDevcontainer(join(folder, '.devcontainer/devcontainer.json'), text, folder);
  assert.deepEqual(diagnostics, []);
  assert.ok(config);
  return config;
}

/** What a terminal or a tooltip would act on or hide: C0 (tab too), DEL, C1, bidi controls, U+2028/9. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

describe('dev container summary (Features and hooks)', () => {
  it('create-features: its Feature with the options given, and its hooks in the spec order, one line each', () => {
    const dir = join(fixturesDir, 'workspaces/create-features');
    const config = parse(readFileSync(join(dir, '.devcontainer/devcontainer.json'), 'utf8'), dir);
    assert.deepEqual(summarize(config), {
      features: ['./greeter (greeting: hi there)'],
      featureCount: 1,
      hooks: [
        { name: 'onCreateCommand', command: 'echo onCreate >> hooks.log' },
        { name: 'updateContentCommand', command: '/bin/sh -c "echo updateContent >> hooks.log"' },
        {
          name: 'postCreateCommand',
          command: 'a: echo postCreate-a >> hooks.log · env: echo "$CWS_REMOTE" > remote-env.txt',
        },
        { name: 'postStartCommand', command: 'echo "postStart $CWS_REMOTE" >> hooks.log' },
      ],
    });
  });

  it('every hook, written out of order, comes in the order the spec runs them; waitFor when set', () => {
    const written = [...DEVCONTAINER_HOOKS].reverse();
    const config = parse(
      JSON.stringify({
        image: 'debian',
        waitFor: 'postCreateCommand',
        ...Object.fromEntries(written.map((h) => [h, `echo ${h}`])),
      }),
    );
    assert.deepEqual(
      hooksOf(config).map((h) => h.name),
      [
        'initializeCommand',
        'onCreateCommand',
        'updateContentCommand',
        'postCreateCommand',
        'postStartCommand',
        'postAttachCommand',
      ],
    );
    const s = summarize(config);
    assert.deepEqual(
      s.hooks.map((h) => h.command),
      s.hooks.map((h) => `echo ${h.name}`),
    );
    assert.equal(s.waitFor, 'postCreateCommand');
    assert.equal(summarize(parse('{"image": "debian"}')).waitFor, undefined);
  });

  it('a Feature is shown as written with the options given: a version shorthand, an object, none', () => {
    const config = parse(`{
      "image": "debian",
      "features": {
        "ghcr.io/devcontainers/features/node:1": "20",
        "ghcr.io/devcontainers/features/common-utils:2": { "installZsh": true, "username": "dev" },
        "./local": {},
      },
    }`);
    assert.deepEqual(summarize(config).features, [
      'ghcr.io/devcontainers/features/node:1 (version: 20)',
      'ghcr.io/devcontainers/features/common-utils:2 (installZsh: true, username: dev)',
      './local',
    ]);
    assert.equal(featureText({ id: 'x', options: true }), 'x (version: true)');
    assert.equal(featureText({ id: 'x', options: { n: 3, list: ['a'] } }), 'x (n: 3, list: ["a"])');
  });

  it('a hostile command and Feature are one line: control characters escaped, nothing a terminal acts on', () => {
    const hostile =
      'echo hi\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\r\nrm -rf /\u0000\u009b2J\u202egpj.exe\tx';
    const text = commandText(hostile);
    assert.doesNotMatch(text, CONTROL);
    assert.ok(text.length <= ONE_LINE_MAX, text);
    assert.ok(text.startsWith('echo hi\\x1b]8;;https://evil.example\\x07click'), text);
    assert.match(commandText('a\r\nb\u202ec\td'), /^a\\r\\nb\\u\{202e\}c d$/);
    const feature = featureText({ id: './f\u001b[2J\n', options: { 'k\u0007': 'v\u2028w' } });
    assert.equal(feature, './f\\x1b[2J\\n (k\\x07: v\\u{2028}w)');
    for (const cmd of [[hostile, '--flag'], { a: hostile, b: [hostile] }])
      assert.doesNotMatch(commandText(cmd), CONTROL);
  });

  it('a 10 kB command (string, argv or object) is cut to one line of at most 80 characters', () => {
    const big = `echo ${'x'.repeat(10_000)}`;
    const s = commandText(big);
    assert.equal(s.length, ONE_LINE_MAX);
    assert.equal(s, `echo ${'x'.repeat(ONE_LINE_MAX - 6)}…`);
    const argv = commandText(Array.from({ length: 2_000 }, () => 'word'));
    assert.equal(argv.length, ONE_LINE_MAX);
    assert.ok(argv.endsWith('…'));
    const obj = commandText(Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, big])));
    assert.equal(obj.length, ONE_LINE_MAX);
    assert.ok(obj.startsWith('k0: echo xxx'));
    // A cut never leaves half an escape behind.
    assert.equal(commandText(`${'x'.repeat(77)}\u001b[31m`), `${'x'.repeat(77)}…`);
    assert.ok(featureText({ id: 'f', options: { big } }).length <= ONE_LINE_MAX);
  });

  it('lists the first Features only, and counts them all', () => {
    const features = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`./f${i}`, {}]));
    const s = summarize(parse(JSON.stringify({ image: 'debian', features })));
    assert.equal(s.featureCount, 25);
    assert.deepEqual(
      s.features,
      Array.from({ length: 10 }, (_, i) => `./f${i}`),
    );
    assert.deepEqual(summarize(parse('{"image": "debian"}')), { features: [], featureCount: 0, hooks: [] });
  });
});
