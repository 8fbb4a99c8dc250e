// `code tunnel` names and output, against the formats of the real CLI (microsoft/vscode cli/src).
import * as assert from 'node:assert/strict';
import { parsePoll } from '../../src/core/tunnels/follow';
import { cliDownloadUrl, noCodeHint, parseTunnelLine, tunnelName } from '../../src/core/tunnels';
import { summarizeLog } from '../../src/core/tunnels/parse';

describe('tunnel: names', () => {
  const cases: [string, string][] = [
    ['My Project_ü!', 'my-project_u'],
    ['my project', 'my-project'],
    ['  spaced   out  ', 'spaced-out'],
    [`it's "quoted"`, 'it-s-quoted'],
    ['$(rm -rf /)', 'rm-rf'],
    ['`id`;echo x', 'id-echo-x'],
    ['a\nb\tc', 'a-b-c'],
    ['Crème Brûlée', 'creme-brulee'],
    ['ÅNGSTRÖM', 'angstrom'],
    ['ﬁle', 'file'],
    ['日本語', 'cws-tunnel'],
    ['', 'cws-tunnel'],
    ['---', 'cws-tunnel'],
    ['_private_', 'private'],
    ['a-very-long-workspace-name-indeed', 'a-very-long-workspac'],
    ['abcdefghijklmnopqrs-tuvwxyz', 'abcdefghijklmnopqrs'],
    ['ok_name-1', 'ok_name-1'],
  ];
  for (const [raw, want] of cases) {
    it(`${JSON.stringify(raw)} → ${want}`, () => assert.equal(tunnelName(raw), want));
  }

  it('always valid for the CLI: lowercase [a-z0-9_-], 1–20 characters, idempotent', () => {
    const samples = [...cases.map(([r]) => r), '🙂'.repeat(30), 'A'.repeat(50), 'x y '.repeat(20), '\u0000\u001b[31m'];
    for (const s of samples) {
      const n = tunnelName(s);
      assert.match(n, /^[a-z0-9_-]{1,20}$/, s);
      assert.equal(tunnelName(n), n);
    }
  });
});

describe('tunnel: output lines', () => {
  it('the device-login prompt', () => {
    assert.deepEqual(
      parseTunnelLine(
        'To grant access to the server, please log into https://github.com/login/device and use code ABCD-1234',
      ),
      [{ kind: 'login', code: 'ABCD-1234', url: 'https://github.com/login/device' }],
    );
    assert.deepEqual(
      parseTunnelLine(
        'To grant access to the server, please log into https://github.com/login/device and use code C98F-F1F6\r',
      ),
      [{ kind: 'login', code: 'C98F-F1F6', url: 'https://github.com/login/device' }],
    );
  });

  it('the Microsoft-account prompt (a code with no dash)', () => {
    assert.deepEqual(
      parseTunnelLine(
        'To grant access to the server, please log into https://microsoft.com/devicelogin and use code F2ZQXK7LP.',
      ),
      [{ kind: 'login', code: 'F2ZQXK7LP', url: 'https://microsoft.com/devicelogin' }],
    );
  });

  it('the address, as print_listening writes it (\\r\\n around it) and in the newer boxed form', () => {
    assert.deepEqual(parseTunnelLine('Open this link in your browser https://vscode.dev/tunnel/my-box\r'), [
      { kind: 'ready', url: 'https://vscode.dev/tunnel/my-box' },
    ]);
    assert.deepEqual(
      parseTunnelLine(
        'Open this link in your browser https://vscode.dev/tunnel/jupyter-kghoon/home/jovyan/volatility-break',
      ),
      [{ kind: 'ready', url: 'https://vscode.dev/tunnel/jupyter-kghoon/home/jovyan/volatility-break' }],
    );
    assert.deepEqual(parseTunnelLine('  ➜  Open:  https://vscode.dev/tunnel/claude-xxxx/workspaces/app'), [
      { kind: 'ready', url: 'https://vscode.dev/tunnel/claude-xxxx/workspaces/app' },
    ]);
  });

  it('everything else is output; the licence text (with its URLs) is not a login or an address', () => {
    const license = [
      '*',
      '* Visual Studio Code Server',
      '*',
      '* By using the software, you agree to',
      '* the Visual Studio Code Server License Terms (https://aka.ms/vscode-server-license) and',
      '* the Microsoft Privacy Statement (https://privacy.microsoft.com/en-US/privacystatement).',
      '*',
    ];
    for (const l of license) assert.deepEqual(parseTunnelLine(`${l}\r`), [{ kind: 'output', line: l }]);
    assert.deepEqual(
      parseTunnelLine(
        '[2024-11-07 14:52:49] info Using GitHub for authentication, run `code tunnel user login --provider <provider>` option to change this.',
      ),
      [
        {
          kind: 'output',
          line: '[2024-11-07 14:52:49] info Using GitHub for authentication, run `code tunnel user login --provider <provider>` option to change this.',
        },
      ],
    );
    assert.deepEqual(
      parseTunnelLine(
        '[2024-07-09 18:28:20] error failed to lookup tunnel: connection error: error sending request for url (https://use.rel.tunnels.api.visualstudio.com/tunnels/tidy-chair?includePorts=true)',
      ),
      [
        {
          kind: 'output',
          line: '[2024-07-09 18:28:20] error failed to lookup tunnel: connection error: error sending request for url (https://use.rel.tunnels.api.visualstudio.com/tunnels/tidy-chair?includePorts=true)',
        },
      ],
    );
  });

  it('blank lines (the \\r\\n before the address) give nothing; colours are dropped', () => {
    assert.deepEqual(parseTunnelLine(''), []);
    assert.deepEqual(parseTunnelLine('\r'), []);
    assert.deepEqual(parseTunnelLine('   '), []);
    assert.deepEqual(
      parseTunnelLine('\x1b[1mOpen this link in your browser \x1b[4mhttps://vscode.dev/tunnel/x\x1b[0m'),
      [{ kind: 'ready', url: 'https://vscode.dev/tunnel/x' }],
    );
    assert.deepEqual(parseTunnelLine('\x1b[33mwarn\x1b[0m something'), [{ kind: 'output', line: 'warn something' }]);
  });

  it('a log summary: the address, and a login only while no address followed it', () => {
    const prompt =
      'To grant access to the server, please log into https://github.com/login/device and use code ABCD-1234';
    const ready = 'Open this link in your browser https://vscode.dev/tunnel/n\r';
    assert.deepEqual(summarizeLog(['*', prompt]), {
      login: { code: 'ABCD-1234', url: 'https://github.com/login/device' },
    });
    assert.deepEqual(summarizeLog(['*', prompt, '', ready]), { url: 'https://vscode.dev/tunnel/n', login: undefined });
    assert.deepEqual(summarizeLog([]), {});
  });
});

describe('tunnel: follow reads', () => {
  it('keeps an unterminated last line for the next read while the tunnel runs', () => {
    assert.deepEqual(parsePoll('state 12 1 -\na\nb\npart'), {
      pid: '12',
      alive: true,
      exitCode: undefined,
      lines: ['a', 'b'],
    });
    assert.deepEqual(parsePoll('state 12 1 -\n'), { pid: '12', alive: true, exitCode: undefined, lines: [] });
  });
  it('takes everything, with the exit code, once it has ended', () => {
    assert.deepEqual(parsePoll('state - 0 143\na\nlast'), {
      pid: undefined,
      alive: false,
      exitCode: 143,
      lines: ['a', 'last'],
    });
    assert.deepEqual(parsePoll('state 7 0 -\na\n'), { pid: '7', alive: false, exitCode: undefined, lines: ['a'] });
  });
  it('"none": no tunnel was ever started', () => {
    assert.equal(parsePoll('none\n'), undefined);
    assert.equal(parsePoll(''), undefined);
  });
});

describe('tunnel: no code CLI', () => {
  it("the hint names the stand-alone CLI download for the container's architecture", () => {
    assert.equal(cliDownloadUrl('x86_64'), 'https://code.visualstudio.com/sha/download?build=stable&os=cli-alpine-x64');
    assert.equal(
      cliDownloadUrl('aarch64'),
      'https://code.visualstudio.com/sha/download?build=stable&os=cli-alpine-arm64',
    );
    assert.equal(
      cliDownloadUrl('armv7l'),
      'https://code.visualstudio.com/sha/download?build=stable&os=cli-alpine-armhf',
    );
    assert.equal(
      cliDownloadUrl(undefined),
      'https://code.visualstudio.com/sha/download?build=stable&os=cli-alpine-x64',
    );
    assert.match(noCodeHint('x86_64'), /os=cli-alpine-x64.*\/usr\/local\/bin/);
  });
});
