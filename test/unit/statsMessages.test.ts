// The Container Stats webview, as a page we do not trust: every message it posts is checked before
// the panel acts on it (malformed ones are ignored, never thrown on), its page allows only our
// nonce'd script and styles from media/, and the bundles it loads fetch nothing from the network.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MAX_BLOCKED_LENGTH,
  MAX_DIRECTIVE_LENGTH,
  MAX_ID_LENGTH,
  parseFromWebview,
} from '../../src/vscode/stats/fromWebview';
import { repoRoot } from '../support/paths';
import { tryBadInput } from '../support/tally';

describe('stats webview messages', () => {
  it('the messages the webview sends are taken, with only the fields the panel uses', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready', extra: 1 }), { ok: true, message: { type: 'ready' } });
    assert.deepEqual(parseFromWebview({ type: 'openSetting' }), { ok: true, message: { type: 'openSetting' } });
    assert.deepEqual(parseFromWebview({ type: 'select', id: 'abc123', x: {} }), {
      ok: true,
      message: { type: 'select', id: 'abc123' },
    });
    assert.deepEqual(parseFromWebview({ type: 'cspViolation', directive: 'img-src', blocked: '' }), {
      ok: true,
      message: { type: 'cspViolation', directive: 'img-src', blocked: '' },
    });
  });

  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const throwing = Object.defineProperty({}, 'type', {
    get() {
      throw new Error('boom');
    },
  });
  const cyclic: Record<string, unknown> = { type: 'select' };
  cyclic.id = cyclic;

  const malformed: [string, unknown, RegExp][] = [
    ['undefined', undefined, /not an object/],
    ['null', null, /not an object/],
    ['a string', 'ready', /not an object/],
    ['a number', 42, /not an object/],
    ['an array', [{ type: 'ready' }], /not an object/],
    ['no type', { id: 'x' }, /unknown type/],
    ['an unknown type', { type: 'runCommand', command: 'rm -rf /' }, /unknown type "runCommand"/],
    ['a type that is not a string', { type: { toString: () => 'ready' } }, /unknown type/],
    ['select without id', { type: 'select' }, /select with a bad id/],
    ['select with a numeric id', { type: 'select', id: 7 }, /select with a bad id: 7/],
    ['select with an empty id', { type: 'select', id: '' }, /select with a bad id/],
    ['select with a huge id', { type: 'select', id: 'a'.repeat(MAX_ID_LENGTH + 1) }, /select with a bad id: "a+…/],
    ['select with an escape sequence', { type: 'select', id: 'x\u001b]0;pwned\u0007' }, /select with a bad id/],
    ['select with a cyclic id', cyclic, /select with a bad id/],
    ['cspViolation without fields', { type: 'cspViolation' }, /cspViolation with bad fields/],
    [
      'cspViolation with a huge URL',
      { type: 'cspViolation', directive: 'img-src', blocked: `https://x/${'a'.repeat(MAX_BLOCKED_LENGTH)}` },
      /cspViolation with bad fields/,
    ],
    [
      'cspViolation with a huge directive',
      { type: 'cspViolation', directive: 'd'.repeat(MAX_DIRECTIVE_LENGTH + 1), blocked: '' },
      /cspViolation with bad fields/,
    ],
    ['a type whose getter throws', throwing, /unreadable message/],
    ['a revoked proxy', revoked.proxy, /unreadable message/],
  ];
  for (const [name, m, reason] of malformed) {
    it(`ignores ${name}, saying why, without throwing`, async () => {
      const r = await tryBadInput(`stats webview message: ${name}`, () => parseFromWebview(m));
      const p = r.value!;
      assert.equal(p.ok, false);
      if (!p.ok) {
        assert.match(p.reason, reason);
        assert.ok(p.reason.length < 200, 'the reason is short enough for one log line');
        // eslint-disable-next-line no-control-regex -- what must not reach the log
        assert.doesNotMatch(p.reason, /[\u0000-\u001f\u007f-\u009f]/, 'no control characters in the log line');
      }
    });
  }
});

describe('stats webview page', () => {
  const html = readFileSync(join(repoRoot, 'src/vscode/stats/statsHtml.ts'), 'utf8');
  const csp = [...html.matchAll(/^\s*[`"](\w+-src [^`"]*)[`"],?$/gm)].map((m) => m[1]);

  it("a strict content security policy: default-src 'none', scripts by nonce only, no inline or eval", () => {
    assert.ok(csp.length >= 3, csp.join('; '));
    assert.ok(csp.includes("default-src 'none'"), csp.join('; '));
    assert.deepEqual(
      csp.filter((d) => d.startsWith('script-src')),
      ["script-src 'nonce-${nonce}'"],
    );
    for (const d of csp) {
      assert.doesNotMatch(d, /unsafe-inline|unsafe-eval|\*|https?:/, d);
      assert.ok(d.startsWith('default-src') || /\$\{src\}|'nonce-|data:/.test(d), `${d}: our own origin only`);
    }
    assert.match(html, /randomBytes\(16\)/, 'the nonce is random per page');
    assert.match(html, /<script nonce="\$\{nonce\}" src=/);
    assert.doesNotMatch(html, /<script>(?!<\/script>)/, 'no inline script');
  });

  it('the bundles the page loads fetch nothing remote and do not eval', function () {
    const files = ['media/stats.js', 'media/stats.css'].map((f) => join(repoRoot, f));
    if (!files.every(existsSync)) assert.fail('media/stats.js and media/stats.css are built (node esbuild.mjs)');
    const js = readFileSync(files[0], 'utf8');
    const css = readFileSync(files[1], 'utf8');
    assert.doesNotMatch(js, /\bfetch\(|XMLHttpRequest|new WebSocket|importScripts|\beval\(|new Function\(/);
    assert.doesNotMatch(css, /@import|url\(\s*['"]?(?:https?:)?\/\//);
    assert.doesNotMatch(js + css, /https?:\/\/(?!www\.w3\.org\/)/, 'no remote address at all');
  });
});
