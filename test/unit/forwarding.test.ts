// The forwarding's pure parts: the credential protocol (what is refused, what passes), which git
// settings are copied, the include file (read back by real git as the oracle), the label, and what
// each runtime on each machine can forward.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentialAnswer,
  credentialInput,
  parseCredentialRequest,
  remoteOf,
  type CredentialRequest,
} from '../../src/core/forwarding/credentialProtocol';
import { forwardLabel, parseForwardLabel } from '../../src/core/forwarding/forwardDir';
import { parseConfigList, renderGitInclude, safeEntries } from '../../src/core/forwarding/gitConfig';
import { ALL_FORWARDED, NONE_FORWARDED } from '../../src/core/forwarding/types';
import { engineIsLocal, forwardable, withForwarding } from '../../src/core/workspace/forwarding';
import { UsageError } from '../../src/cli/args';
import type { CliContext } from '../../src/cli/context';
import { forwardChoice } from '../../src/cli/forward';

const request = (lines: string[]) => ['action=get', 'timeout=900', ...lines, ''].join('\n');

describe('forwarding: the git credential protocol', () => {
  it('takes a get with the token, protocol and host, and passes no password in for a get', () => {
    const r = parseCredentialRequest(
      request(['cws-token=abc', 'protocol=https', 'host=git.example.com', 'path=a/b.git', 'password=x', 'junk=1']),
    ) as CredentialRequest;
    assert.equal(r.action, 'get');
    assert.equal(r.token, 'abc');
    assert.deepEqual(r.attributes, [
      ['protocol', 'https'],
      ['host', 'git.example.com'],
      ['path', 'a/b.git'],
      ['password', 'x'],
    ]);
    assert.equal(credentialInput(r), 'protocol=https\nhost=git.example.com\npath=a/b.git\n\n');
    assert.equal(remoteOf(r), 'https://git.example.com');
  });

  it('refuses what has no token, another protocol, no host, control characters or too many bytes', () => {
    const refused = (text: string) => 'refused' in parseCredentialRequest(text);
    assert.ok(refused(request(['protocol=https', 'host=h'])));
    assert.ok(refused(request(['cws-token=t', 'protocol=ssh', 'host=h'])));
    assert.ok(refused(request(['cws-token=t', 'protocol=file', 'host=h'])));
    assert.ok(refused(request(['cws-token=t', 'protocol=https'])));
    assert.ok(refused(request(['cws-token=t', 'protocol=https', 'host=h\u0000evil'])));
    assert.ok(refused(request(['cws-token=t', 'protocol=https', 'host=h\u001b[2J'])));
    assert.ok(refused(`action=rm\ncws-token=t\nprotocol=https\nhost=h\n`));
    assert.ok(refused(`no equals sign\n`));
    assert.ok(refused(request(['cws-token=t', 'protocol=https', 'host=h', `path=${'x'.repeat(70_000)}`])));
  });

  it("answers only with a password, and only the credential's lines", () => {
    assert.equal(credentialAnswer('protocol=https\nhost=h\nusername=u\n'), '');
    assert.equal(
      credentialAnswer('protocol=https\nhost=h\nusername=u\npassword=p\nquit=1\ncapability[]=authtype\n'),
      'protocol=https\nhost=h\nusername=u\npassword=p\n',
    );
  });
});

describe("forwarding: this machine's git settings", () => {
  const list = [
    'user.name\nAda Lovelace',
    'user.email\nada@example.invalid',
    'user.signingkey\nABCDEF',
    'commit.gpgsign\ntrue',
    'credential.helper\nstore',
    'credential.https://x.helper\nmanager',
    'core.editor\ncode --wait',
    'core.sshcommand\nssh -i /home/ada/.ssh/id',
    'alias.st\nstatus',
    'alias.nuke\n!rm -rf .',
    'color.ui\nauto',
    'init.defaultbranch\nmain',
    'http.proxy\nhttp://proxy.internal:3128',
    'pull.rebase',
  ].join('\0');

  it('copies identity, habits, colours and plain aliases; never helpers, paths, programs, shell aliases or proxies', () => {
    const keys = safeEntries(parseConfigList(list), { signing: false }).map(([k]) => k);
    assert.deepEqual(keys, ['user.name', 'user.email', 'alias.st', 'color.ui', 'init.defaultbranch', 'pull.rebase']);
  });

  it('copies the signing settings only with GPG forwarded, and only for OpenPGP keys', () => {
    const entries = parseConfigList(list);
    assert.ok(safeEntries(entries, { signing: true }).some(([k]) => k === 'user.signingkey'));
    const ssh = parseConfigList(`${list}\0gpg.format\nssh`);
    assert.ok(!safeEntries(ssh, { signing: true }).some(([k]) => k === 'user.signingkey'));
  });

  it('writes an include file real git reads back value for value (quotes, backslashes, tabs, subsections)', () => {
    const entries: [string, string][] = [
      ['user.name', 'Ada "The Countess" \\ Lovelace\t!'],
      ['user.email', 'ada@example.invalid'],
      ['color.diff.meta', 'yellow bold'],
      ['alias.lg', 'log --format="%h %s" ; # not a comment'],
      ['bad key.x', 'dropped'],
    ];
    const dir = mkdtempSync(join(tmpdir(), 'cws-gitinc-'));
    try {
      const file = join(dir, 'gitconfig');
      writeFileSync(file, renderGitInclude(entries, ['/workspaces/my "odd" folder']));
      const out = execFileSync('git', ['config', '--file', file, '--list', '-z'], { encoding: 'utf8' });
      assert.deepEqual(parseConfigList(out), [
        ...entries.slice(0, 4),
        ['safe.directory', '/workspaces/my "odd" folder'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('forwarding: the label and what each runtime can forward', () => {
  it('reads back its own label and nothing else', () => {
    const state = { dir: '/home/u/.cache/cws-fwd/0123456789abcdef', items: ['gitIdentity', 'sshAgent'] as const };
    assert.deepEqual(parseForwardLabel(forwardLabel({ ...state, items: [...state.items] })), {
      dir: state.dir,
      items: ['gitIdentity', 'sshAgent'],
    });
    assert.equal(parseForwardLabel('{"dir":"relative/0123456789abcdef","items":[]}'), undefined);
    assert.equal(parseForwardLabel('{"dir":"/etc","items":["gitIdentity"]}'), undefined);
    assert.equal(parseForwardLabel('not json'), undefined);
    assert.deepEqual(parseForwardLabel('{"dir":"/x/0123456789abcdef","items":["rootShell","gpg"]}')?.items, ['gpg']);
  });

  it('forwards everything to a local Linux engine, the SSH agent only on Apple, nothing to a remote engine', () => {
    const local = { endpoint: 'unix:///var/run/docker.sock', platform: 'linux' as const };
    assert.deepEqual(forwardable('docker', ALL_FORWARDED, local).items, [
      'gitIdentity',
      'gitCredentials',
      'sshAgent',
      'gpg',
    ]);
    assert.equal(forwardable('podman', ALL_FORWARDED, local).warning, undefined);
    const apple = forwardable('apple', ALL_FORWARDED, { endpoint: '/usr/local/bin/container', platform: 'darwin' });
    assert.deepEqual(apple.items, ['gitIdentity', 'sshAgent']);
    assert.match(apple.warning!, /Apple Containers cannot reach this machine's sockets: git credentials, GPG signing/);
    const mac = forwardable('podman', ALL_FORWARDED, { endpoint: 'unix:///tmp/podman.sock', platform: 'darwin' });
    assert.deepEqual(mac.items, ['gitIdentity']);
    const remote = forwardable('docker', ALL_FORWARDED, { endpoint: 'ssh://me@build-box', platform: 'linux' });
    assert.deepEqual(remote.items, []);
    assert.match(remote.warning!, /another machine \(ssh:\/\/me@build-box\)/);
    assert.deepEqual(forwardable('docker', NONE_FORWARDED, local), { items: [] });
    assert.ok(engineIsLocal('tcp://127.0.0.1:2375'));
    assert.ok(!engineIsLocal('tcp://10.0.0.5:2375'));
  });

  it("adds the mount, SSH_AUTH_SOCK and label; the config's own SSH_AUTH_SOCK and mount target win", () => {
    const spec = withForwarding(
      {
        image: 'i',
        env: { SSH_AUTH_SOCK: '/mine.sock' },
        mounts: [{ type: 'bind', source: '/a', target: '/run/container-workspaces' }],
      },
      {
        state: { dir: '/d/0123456789abcdef', items: ['sshAgent'] },
        mounts: [{ type: 'bind', source: '/d/0123456789abcdef', target: '/run/container-workspaces', readOnly: true }],
        env: { SSH_AUTH_SOCK: '/run/container-workspaces/ssh-agent.sock' },
        labels: { 'dev.containerworkspaces.forward': '{}' },
      },
    );
    assert.equal(spec.env!.SSH_AUTH_SOCK, '/mine.sock');
    assert.equal(spec.mounts!.length, 1);
    assert.equal(spec.labels!['dev.containerworkspaces.forward'], '{}');
  });
});

describe('forwarding: cws --forward', () => {
  const ctxWith = (v?: string | true) =>
    ({
      args: { positionals: [], rest: [], flags: new Map(v === undefined ? [] : [['forward', v]]) },
      out: () => undefined,
      err: () => undefined,
      runtime: () => Promise.reject(new Error('no runtime')),
    }) as unknown as CliContext;

  it('is all by default, none when asked, or the items listed; anything else is a usage error', () => {
    assert.deepEqual(forwardChoice(ctxWith()), ALL_FORWARDED);
    assert.deepEqual(forwardChoice(ctxWith('none')), NONE_FORWARDED);
    assert.deepEqual(forwardChoice(ctxWith('ssh-agent,git-identity')), {
      gitIdentity: true,
      gitCredentials: false,
      sshAgent: true,
      gpg: false,
    });
    assert.throws(() => forwardChoice(ctxWith('ssh-agent,root')), UsageError);
    assert.throws(() => forwardChoice(ctxWith(true)), UsageError);
  });
});
