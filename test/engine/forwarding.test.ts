// What a workspace container borrows from this machine, proven by real git operations on dockerd
// and Podman, against real servers on loopback: `git http-backend` behind basic auth (this machine's
// git holds the password in its `store` helper, in a throw-away HOME), the test sshd with the key in
// a test ssh-agent, and a throw-away GPG home with a test key. Each operation works through the
// forwarding and fails with it off — served off on the same container, and on one created without it.
// Afterwards no secret is in any log line, command output, the container's filesystem or the
// forwarding folder.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exportHolds } from '../support/exportHolds';
import {
  clearComposeToolCache,
  composeInvocation,
  findComposeTool,
  runCompose,
  type ComposeTool,
} from '../../src/core/compose/composeTool';
import { composeOverrideDir } from '../../src/core/workspace/compose';
import { workspaceContainerName } from '../../src/core/workspace/name';
import { detectDirectory } from '../../src/core/detection/detect';
import { parseForwardLabel } from '../../src/core/forwarding/forwardDir';
import { ForwardServers } from '../../src/core/forwarding/serve';
import { ALL_FORWARDED, FORWARD_MOUNT, NONE_FORWARDED, type ForwardChoice } from '../../src/core/forwarding/types';
import { LABELS } from '../../src/core/runtime/labels';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import { createWorkspaceContainer, workspaceSources, type WorkspaceContainer } from '../../src/core/workspace';
import { releaseForwarding, startForwarding } from '../../src/core/workspace/forwarding';
import {
  ENGINE_SOCKETS,
  engineCli,
  engineRuntime,
  isCI,
  requireDebianImage,
  requireEngine,
  TEST_LABEL,
  type EngineId,
} from '../support/engines';
import { startGitHttpServer, type GitHttpServer } from '../support/gitHttpServer';
import { recordingHooks } from '../support/hooks';
import { repoRoot } from '../support/paths';
import { onPath, startTestSshd, type TestSshd } from '../support/sshd';

const run = promisify(execFile);
const FIXTURE = join(repoRoot, 'test/fixtures/workspaces/forwarding');
const COMPOSE_FIXTURE = join(repoRoot, 'test/fixtures/workspaces/forwarding-compose');
const COMPOSE_IMAGE = 'localhost/cws-test/forwarding-compose:latest';
const CWS = join(repoRoot, 'dist', 'cws.js');
const GIT_USER = 'alice';
const NAME = 'Cws Tester';
const EMAIL = 'tester@example.invalid';

/** Every regular file's text under `dir` (sockets and folders skipped). */
function filesUnder(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out += filesUnder(p);
    else if (st.isFile()) out += readFileSync(p, 'latin1');
  }
  return out;
}

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`forwarding git and SSH credentials on ${engine} (real engine, Debian image, loopback servers)`, function () {
    this.timeout(300_000);
    const root = mkdtempSync(join(tmpdir(), `cws-fwd-${engine}-`));
    const password = `pw-${Math.random().toString(36).slice(2)}-S3cret`;
    const home = join(root, 'home');
    const gnupg = join(root, 'gnupg');
    const repos = join(root, 'repos');
    let rt: ContainerRuntime;
    let http: GitHttpServer;
    let sshd: TestSshd;
    let hostEnv: NodeJS.ProcessEnv;
    let fingerprint = '';
    let sshKeyLine = '';
    const servers = new ForwardServers();
    const logs: string[] = [];
    const outputs: string[] = [];
    let a: WorkspaceContainer;
    let folderA = '';
    let tool: ComposeTool | undefined;
    const composeProjects: { name: string; workingDir: string; files: string[] }[] = [];

    const host = (cmd: string, args: string[], cwd?: string) =>
      run(cmd, args, { env: hostEnv, cwd, timeout: 60_000 }).then((r) => r.stdout.trim());

    before(async function () {
      requireEngine(this, engine);
      await requireDebianImage(this, engine);
      const missing = ['git', 'gpg', 'gpgconf', 'gpg-agent'].filter((c) => !onPath(c));
      if (missing.length) {
        const why = `${missing.join(', ')} not on PATH (scripts/setup-engines.sh installs gnupg)`;
        if (isCI) throw new Error(`${why}; CI needs it.`);
        console.log(`      skipping: ${why}`);
        this.skip();
      }
      rt = engineRuntime(engine);
      clearComposeToolCache();
      tool = await findComposeTool(engine);
      mkdirSync(home, { recursive: true });
      mkdirSync(gnupg, { mode: 0o700 });
      mkdirSync(repos);
      mkdirSync(join(root, 'sshd'));
      sshd = await startTestSshd(this, join(root, 'sshd'));
      // The private key's body: must never be found in the container.
      sshKeyLine = readFileSync(sshd.clientKey, 'utf8').split('\n')[2];
      http = await startGitHttpServer({ root: repos, user: GIT_USER, password });
      hostEnv = {
        ...process.env,
        HOME: home,
        GNUPGHOME: gnupg,
        SSH_AUTH_SOCK: sshd.agentSock,
        GIT_CONFIG_NOSYSTEM: '1',
        CWS_FORWARD_DIR: join(root, 'fwd'),
        CWS_TEST_GIT_URL: `${http.url}/proj.git`,
      };
      await host('gpg', [
        '--batch',
        '--passphrase',
        '',
        '--quick-gen-key',
        `${NAME} <${EMAIL}>`,
        'ed25519',
        'sign',
        'never',
      ]);
      fingerprint = (await host('gpg', ['--batch', '--with-colons', '--list-secret-keys']))
        .split('\n')
        .find((l) => l.startsWith('fpr:'))!
        .split(':')[9];
      writeFileSync(
        join(home, '.gitconfig'),
        [
          '[user]',
          `\tname = ${NAME}`,
          `\temail = ${EMAIL}`,
          `\tsigningkey = ${fingerprint}`,
          '[credential]',
          '\thelper = store',
          '[init]',
          '\tdefaultBranch = main',
          '[alias]',
          '\tst = status',
          '\tdanger = !echo this-alias-runs-a-shell',
          '[core]',
          '\teditor = /only/on/this/machine/editor',
          '',
        ].join('\n'),
      );
      writeFileSync(join(home, '.git-credentials'), `http://${GIT_USER}:${password}@127.0.0.1:${http.port}\n`, {
        mode: 0o600,
      });
      await host('git', ['init', '-q', '--bare', join(repos, 'proj.git')]);
      const seed = join(root, 'seed');
      await host('git', ['init', '-q', seed]);
      writeFileSync(join(seed, 'README'), 'seeded\n');
      await host('git', ['-C', seed, 'add', 'README']);
      await host('git', ['-C', seed, 'commit', '-q', '-m', 'seed']);
      await host('git', ['-C', seed, 'push', '-q', join(repos, 'proj.git'), 'HEAD:main']);
    });

    after(async function () {
      await servers.closeAll();
      for (const p of composeProjects)
        if (tool)
          await runCompose(composeInvocation(tool, p, ['down', '--timeout', '0'], { endpointUrl: rt.endpoint })).catch(
            () => undefined,
          );
      if (composeProjects.length) await engineCli(engine, ['rmi', '-f', COMPOSE_IMAGE]).catch(() => undefined);
      if (existsSync(composeOverrideDir()))
        for (const f of folders)
          for (const file of readdirSync(composeOverrideDir()).filter((o) =>
            o.startsWith(`${workspaceContainerName(f)}-`),
          ))
            rmSync(join(composeOverrideDir(), file), { force: true });
      if (rt) {
        const ours = (await rt.listContainers({ all: true })).filter((c) =>
          c.labels[LABELS.workspace]?.startsWith(root),
        );
        await Promise.all(ours.map((c) => rt.remove(c.id, { force: true }).catch(() => undefined)));
        for (const dir of folders) {
          const ids = await engineCli(engine, ['images', '-q', '--filter', `label=${LABELS.workspace}=${dir}`]);
          for (const i of new Set(ids.split('\n').filter(Boolean)))
            await engineCli(engine, ['rmi', '-f', i]).catch(() => undefined);
        }
        void rt.close();
      }
      await http?.close();
      await sshd?.stop();
      if (hostEnv) await run('gpgconf', ['--kill', 'gpg-agent'], { env: hostEnv }).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    });

    const folders: string[] = [];
    const create = (name: string, choice: ForwardChoice) => {
      const folder = join(mkdtempSync(join(root, 'f-')), name);
      folders.push(folder);
      return createIn(folder, FIXTURE, choice);
    };
    const createIn = async (folder: string, fixture: string, choice: ForwardChoice = ALL_FORWARDED) => {
      cpSync(fixture, folder, { recursive: true });
      const ctx = await detectDirectory(folder, { env: hostEnv });
      const source = workspaceSources(ctx).find((s) => s.kind === 'devcontainer')!;
      const { runner } = recordingHooks(rt);
      const made = await createWorkspaceContainer(rt, {
        folder,
        source,
        env: hostEnv,
        hooks: runner,
        labels: { [TEST_LABEL]: 'forwarding' },
        ...(source.devcontainer?.kind === 'compose' ? { composeTool: tool, endpointUrl: rt.endpoint } : {}),
        forwarding: { choice, servers, env: hostEnv, log: (l) => logs.push(l) },
        onProgress: (p) => logs.push(p.message),
      });
      assert.equal(await made.hooksDone, undefined);
      return { made, folder };
    };

    /** Runs `script` in the container as the remote user; its output is kept for the secret scan. */
    const inContainer = async (id: string, script: string) => {
      const r = await rt.exec(id, {
        cmd: ['/bin/sh', '-c', script],
        user: 'dev',
        workingDir: '/tmp',
        env: {
          GIT_TERMINAL_PROMPT: '0',
          GIT_SSH_COMMAND: 'ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes',
        },
      });
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    const sshUrl = () => `ssh://${userInfo().username}@127.0.0.1:${sshd.port}${repos}/proj.git`;

    it('a create with everything on: the mount, SSH_AUTH_SOCK and label; postCreateCommand already had the credentials', async () => {
      const r = await create('all-on', ALL_FORWARDED);
      a = r.made;
      folderA = r.folder;
      const c = (await rt.listContainers({ all: true })).find((x) => x.id === a.id)!;
      const state = parseForwardLabel(c.labels[LABELS.forward]);
      assert.ok(state, 'the container carries the forwarding label');
      assert.deepEqual(state.items, ['gitIdentity', 'gitCredentials', 'sshAgent', 'gpg']);
      const details = await rt.inspect(a.id);
      const mount = details.mounts.find((m) => m.destination === FORWARD_MOUNT);
      assert.equal(mount?.source, state.dir);
      assert.equal(mount?.readOnly, true);
      const env = await inContainer(a.id, 'echo "$SSH_AUTH_SOCK"');
      assert.equal(env.stdout.trim(), `${FORWARD_MOUNT}/ssh-agent.sock`);
      const post = await inContainer(a.id, 'cat /tmp/post-create-ls-remote.txt');
      assert.match(post.stdout, /\trefs\/heads\/main\nexit 0\n$/, post.stdout);
      assert.ok(
        logs.some((l) =>
          l.startsWith('Borrowed from this machine: git identity, git credentials, SSH agent, GPG signing'),
        ),
        logs.join('\n'),
      );
    });

    it("git identity: a commit is made as this machine's user; safe settings copied, shell aliases and paths not", async () => {
      const r = await inContainer(
        a.id,
        'rm -rf id && git init -q id && cd id && git commit -q --allow-empty -m identity && git log -1 --format=%an/%ae; ' +
          'git config alias.st; git config alias.danger || echo no-danger; git config core.editor || echo no-editor; ' +
          `git config --get-all safe.directory`,
      );
      assert.equal(r.exitCode, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), [
        `${NAME}/${EMAIL}`,
        'status',
        'no-danger',
        'no-editor',
        a.workspaceFolder,
      ]);
    });

    it("HTTPS credentials: clone, commit and push through the helper, answered by this machine's git", async () => {
      const before = http.counts.allowed;
      const r = await inContainer(
        a.id,
        `rm -rf h && git clone -q "${http.url}/proj.git" h && cd h && git commit -q --allow-empty -m pushed-from-container && git push -q origin HEAD:main`,
      );
      assert.equal(r.exitCode, 0, r.stderr);
      assert.ok(http.counts.allowed > before);
      assert.equal(
        await host('git', ['--git-dir', join(repos, 'proj.git'), 'log', '-1', '--format=%s', 'main']),
        'pushed-from-container',
      );
      assert.ok(
        logs.some((l) => l === `git credential get for http://127.0.0.1:${http.port}: answered`),
        logs.join('\n'),
      );
    });

    it("SSH agent: clone over ssh with the key in this machine's agent (no key in the container)", async () => {
      const r = await inContainer(
        a.id,
        `rm -rf s && git clone -q "${sshUrl()}" s && cat s/README && ls -a ~/.ssh 2>&1 || true`,
      );
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, /^seeded\n/);
    });

    it('GPG: a signed commit made in the container verifies on this machine', async () => {
      const r = await inContainer(
        a.id,
        'cd h && git commit -q -S --allow-empty -m signed && git push -q origin HEAD:refs/heads/signed',
      );
      assert.equal(r.exitCode, 0, r.stderr);
      const { stderr } = await run('git', ['--git-dir', join(repos, 'proj.git'), 'verify-commit', 'signed'], {
        env: hostEnv,
      });
      assert.match(stderr, /Good signature from "Cws Tester <tester@example.invalid>"/);
      assert.match(stderr, new RegExp(fingerprint.slice(-16)));
    });

    it('served with everything off (the settings): the same four operations fail', async () => {
      const c = (await rt.listContainers({ all: true })).find((x) => x.id === a.id)!;
      const target = { id: a.id, labels: c.labels, workspaceFolder: a.workspaceFolder, folder: folderA, user: 'dev' };
      await startForwarding(rt, target, { choice: NONE_FORWARDED, servers, env: hostEnv }, { configure: true });
      const allowed = http.counts.allowed;
      const id = await inContainer(
        a.id,
        'rm -rf id2 && git init -q id2 && cd id2 && git config user.email; git -c user.useConfigOnly=true commit -q --allow-empty -m x',
      );
      assert.notEqual(id.exitCode, 0);
      assert.match(id.stderr, /identity|user\.email|Please tell me who you are/i);
      const https = await inContainer(a.id, `git ls-remote "${http.url}/proj.git"`);
      assert.notEqual(https.exitCode, 0);
      assert.equal(http.counts.allowed, allowed, 'no request got through without the helper');
      const ssh = await inContainer(a.id, `rm -rf s2 && git clone -q "${sshUrl()}" s2`);
      assert.notEqual(ssh.exitCode, 0);
      assert.match(ssh.stderr, /Permission denied|Could not read from remote/);
      const gpg = await inContainer(
        a.id,
        'cd h && git -c user.name=x -c user.email=x@y.z commit -q -S --allow-empty -m unsigned',
      );
      assert.notEqual(gpg.exitCode, 0);
      assert.match(gpg.stderr, /gpg failed to sign|signing failed/i);
      // On again: the credentials are back without a rebuild.
      await startForwarding(rt, target, { choice: ALL_FORWARDED, servers, env: hostEnv }, { configure: true });
      assert.equal((await inContainer(a.id, `git ls-remote "${http.url}/proj.git" >/dev/null`)).exitCode, 0);
    });

    it('a container created with forwarding off has no forwarding folder, label or SSH_AUTH_SOCK, and git has no identity', async () => {
      const { made } = await create('all-off', NONE_FORWARDED);
      const details = await rt.inspect(made.id);
      assert.equal(
        details.mounts.find((m) => m.destination === FORWARD_MOUNT),
        undefined,
      );
      assert.equal(details.labels[LABELS.forward], undefined);
      const r = await inContainer(
        made.id,
        `echo "[$SSH_AUTH_SOCK]"; git config user.name || echo no-name; git ls-remote "${http.url}/proj.git"`,
      );
      assert.deepEqual(r.stdout.trim().split('\n'), ['[]', 'no-name']);
      assert.notEqual(r.exitCode, 0);
      const post = await inContainer(made.id, 'cat /tmp/post-create-ls-remote.txt');
      assert.match(post.stdout, /could not read Username|terminal prompts disabled|Authentication failed/i);
    });

    it('cws exec serves the credentials for as long as it runs, and only then', async () => {
      // Nobody serves now: the extension-less shell of a user who ran `docker exec` gets nothing.
      await servers.closeAll();
      assert.notEqual((await inContainer(a.id, `git ls-remote "${http.url}/proj.git"`)).exitCode, 0);
      const env = {
        ...hostEnv,
        ...(engine === 'docker'
          ? { CONTAINER_RUNTIME: 'docker', DOCKER_HOST: `unix://${ENGINE_SOCKETS.docker}` }
          : { CONTAINER_RUNTIME: 'podman' }),
        GIT_TERMINAL_PROMPT: '0',
      };
      const cli = await run(
        process.execPath,
        [CWS, 'exec', '--workspace', folderA, '-u', 'dev', '--', 'git', 'ls-remote', `${http.url}/proj.git`],
        { env, timeout: 60_000 },
      ).then(
        (r) => ({ code: 0, ...r }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({
          code: e.code ?? 1,
          stdout: e.stdout ?? '',
          stderr: e.stderr ?? '',
        }),
      );
      outputs.push(cli.stdout, cli.stderr);
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /\trefs\/heads\/main\n/);
      assert.notEqual(
        (await inContainer(a.id, `git ls-remote "${http.url}/proj.git"`)).exitCode,
        0,
        'served only while cws ran',
      );
      // Served again for the rest of the tests.
      const c = (await rt.listContainers({ all: true })).find((x) => x.id === a.id)!;
      await startForwarding(
        rt,
        { id: a.id, labels: c.labels, workspaceFolder: a.workspaceFolder, folder: folderA, user: 'dev' },
        { choice: ALL_FORWARDED, servers, env: hostEnv },
        { configure: false },
      );
    });

    it('a Compose workspace container borrows the same (identity, HTTPS push, SSH clone, signed commit); its sidecar nothing; down releases it', async function () {
      if (!tool) {
        if (isCI) throw new Error(`No Compose tool for ${engine}; CI needs one (scripts/setup-engines.sh).`);
        this.skip();
      }
      const folder = join(mkdtempSync(join(root, 'f-')), 'compose-on');
      const project = { name: 'compose-on_devcontainer', workingDir: join(folder, '.devcontainer') };
      composeProjects.push({ ...project, files: [join(folder, '.devcontainer/compose.yaml')] });
      folders.push(folder);
      const { made: w } = await createIn(folder, COMPOSE_FIXTURE);
      const d = await rt.inspect(w.id);
      assert.equal(d.labels[LABELS.composeService], 'app');
      const state = parseForwardLabel(d.labels[LABELS.forward]);
      assert.deepEqual(state?.items, ['gitIdentity', 'gitCredentials', 'sshAgent', 'gpg']);
      assert.equal(d.mounts.find((m) => m.destination === FORWARD_MOUNT)?.source, state.dir);
      const sidecar = (await rt.listContainers({ all: true })).find(
        (c) => c.labels[LABELS.composeProject] === project.name && c.labels[LABELS.composeService] === 'sidecar',
      );
      assert.ok(sidecar, 'the sidecar runs');
      const sd = await rt.inspect(sidecar.id);
      assert.deepEqual(
        [sd.labels[LABELS.forward], sd.mounts.some((m) => m.destination === FORWARD_MOUNT)],
        [undefined, false],
      );
      const post = await inContainer(w.id, 'cat /tmp/post-create-ls-remote.txt; echo "$SSH_AUTH_SOCK"');
      assert.match(post.stdout, /\trefs\/heads\/main\n(?:.*\n)*exit 0\n/, post.stdout);
      assert.match(post.stdout, new RegExp(`${FORWARD_MOUNT}/ssh-agent.sock\n$`));
      const r = await inContainer(
        w.id,
        `rm -rf c && git clone -q "${http.url}/proj.git" c && cd c && git commit -q -S --allow-empty -m from-compose && ` +
          `git push -q origin HEAD:refs/heads/compose && git log -1 --format=%an/%ae && ` +
          `git clone -q "${sshUrl()}" ../cs && cat ../cs/README`,
      );
      assert.equal(r.exitCode, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), [`${NAME}/${EMAIL}`, 'seeded']);
      const { stderr } = await run('git', ['--git-dir', join(repos, 'proj.git'), 'verify-commit', 'compose'], {
        env: hostEnv,
      });
      assert.match(stderr, /Good signature from "Cws Tester <tester@example.invalid>"/);
      // Off: the same push fails.
      const target = { id: w.id, labels: d.labels, workspaceFolder: w.workspaceFolder, folder, user: 'dev' };
      await startForwarding(rt, target, { choice: NONE_FORWARDED, servers, env: hostEnv }, { configure: true });
      const off = await inContainer(w.id, 'cd c && git push -q origin HEAD:refs/heads/compose-off');
      assert.notEqual(off.exitCode, 0);
      const found = await exportHolds(engine, w.id, [password, sshKeyLine], root);
      assert.deepEqual(found, [], `found in the Compose container's filesystem: ${found.length}`);
      // Compose down takes the container; its forwarding goes with it.
      await runCompose(
        composeInvocation(tool, composeProjects[composeProjects.length - 1], ['down', '--timeout', '0'], {
          endpointUrl: rt.endpoint,
        }),
      );
      await releaseForwarding(d.labels, servers, hostEnv);
      assert.deepEqual([servers.dirs.includes(state.dir), existsSync(state.dir)], [false, false]);
    });

    it("no secret in the log, the command output, the container's filesystem or the forwarding folder", async () => {
      const secrets = [password, sshKeyLine];
      const said = [...logs, ...outputs].join('\n');
      for (const s of secrets) assert.ok(!said.includes(s), 'a secret is in the log or the output');
      const found = await exportHolds(engine, a.id, secrets, root);
      assert.deepEqual(found, [], `found in the container's filesystem: ${found.length}`);
      // gpg in the container holds no secret key: signing is done by this machine's agent.
      const keys = await inContainer(a.id, 'ls -A ~/.gnupg/private-keys-v1.d 2>/dev/null | wc -l');
      assert.equal(keys.stdout.trim(), '0');
      const state = parseForwardLabel((await rt.inspect(a.id)).labels[LABELS.forward])!;
      const files = filesUnder(state.dir);
      for (const s of secrets) assert.ok(!files.includes(s), 'a secret is in the forwarding folder');
      assert.match(files, /name = "Cws Tester"/);
    });

    it('removed: no longer served, its forwarding folder gone', async () => {
      const details = await rt.inspect(a.id);
      const state = parseForwardLabel(details.labels[LABELS.forward])!;
      assert.ok(servers.dirs.includes(state.dir));
      await rt.remove(a.id, { force: true });
      await releaseForwarding(details.labels, servers, hostEnv);
      assert.ok(!servers.dirs.includes(state.dir));
      assert.equal(existsSync(state.dir), false);
    });
  });
}
