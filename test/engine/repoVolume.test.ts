// A workspace cloned from a repository into a volume, on dockerd and Podman: the repository is served
// over HTTPS-style basic auth by git http-backend on loopback (this machine's git holds the password),
// cloned by a helper container (the Debian image, on the host's network to reach loopback) with the
// forwarded credentials, its dev container config read from the volume, and the workspace container
// made with the volume as its workspace folder. The same URL reuses the volume; without the
// credentials the clone fails, says why and leaves nothing half-cloned; removing keeps the volume
// unless asked (cws rm --repo-volume), and keeps it anyway while another container uses it.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ForwardServers } from '../../src/core/forwarding/serve';
import { ALL_FORWARDED, NONE_FORWARDED } from '../../src/core/forwarding/types';
import { RuntimeError } from '../../src/core/runtime/errors';
import { LABELS } from '../../src/core/runtime/labels';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import { createFromRepository, repoVolumeName, type RepoCreateOptions } from '../../src/core/workspace/repoVolume';
import {
  DEBIAN_IMAGE,
  ENGINE_SOCKETS,
  engineCli,
  engineRuntime,
  requireDebianImage,
  requireEngine,
  TEST_LABEL,
  type EngineId,
} from '../support/engines';
import { startGitHttpServer, type GitHttpServer } from '../support/gitHttpServer';
import { recordingHooks } from '../support/hooks';
import { repoRoot } from '../support/paths';
import { exportHolds } from '../support/exportHolds';
import { until } from '../support/until';

const run = promisify(execFile);
const CWS = join(repoRoot, 'dist', 'cws.js');

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`a workspace cloned from a repository into a volume on ${engine} (real engine, loopback git server)`, function () {
    this.timeout(300_000);
    const root = mkdtempSync(join(tmpdir(), `cws-repo-${engine}-`));
    const password = `pw-${Math.random().toString(36).slice(2)}-Clone`;
    const tag = `${process.pid}-${engine}`;
    let rt: ContainerRuntime;
    let http: GitHttpServer;
    let hostEnv: NodeJS.ProcessEnv;
    let url = '';
    const servers = new ForwardServers();
    const progress: string[] = [];
    const folders = new Set<string>();

    const create = (more: Partial<RepoCreateOptions> = {}) => {
      const { runner } = recordingHooks(rt);
      return createFromRepository(rt, {
        repo: { url },
        clone: { image: DEBIAN_IMAGE, network: 'host' },
        env: hostEnv,
        hooks: runner,
        labels: { [TEST_LABEL]: tag },
        forwarding: { choice: ALL_FORWARDED, servers, env: hostEnv },
        onProgress: (p) => progress.push(p.message),
        ...more,
      });
    };
    /** Runs a shell script (given `args` as $1…) in a throw-away container with the volume at /workspaces. */
    const shIn = (volume: string, script: string, ...args: string[]) =>
      engineCli(engine, [
        'run',
        '--rm',
        '-v',
        `${volume}:/workspaces`,
        DEBIAN_IMAGE,
        'sh',
        '-c',
        script,
        'sh',
        ...args,
      ]);
    const volumes = async () =>
      (await engineCli(engine, ['volume', 'ls', '-q'])).split('\n').filter((v) => v.startsWith('cws-repo-'));

    before(async function () {
      requireEngine(this, engine);
      await requireDebianImage(this, engine);
      rt = engineRuntime(engine);
      const home = join(root, 'home');
      const repos = join(root, 'repos');
      mkdirSync(home);
      mkdirSync(repos);
      http = await startGitHttpServer({ root: repos, user: 'carol', password });
      // A path of its own per engine: the two describe blocks must not share a volume.
      url = `${http.url}/team/${engine}-app.git`;
      hostEnv = {
        ...process.env,
        HOME: home,
        GIT_CONFIG_NOSYSTEM: '1',
        CWS_FORWARD_DIR: join(root, 'fwd'),
        CWS_REPOS_DIR: join(root, 'repo-configs'),
      };
      writeFileSync(
        join(home, '.gitconfig'),
        '[user]\n\tname = Carol\n\temail = carol@example.invalid\n[credential]\n\thelper = store\n',
      );
      writeFileSync(join(home, '.git-credentials'), `http://carol:${password}@127.0.0.1:${http.port}\n`, {
        mode: 0o600,
      });
      const bare = join(repos, 'team', `${engine}-app.git`);
      mkdirSync(join(repos, 'team'));
      await run('git', ['init', '-q', '--bare', bare], { env: hostEnv });
      const seed = join(root, 'seed');
      mkdirSync(join(seed, '.devcontainer'), { recursive: true });
      writeFileSync(join(seed, 'README.md'), '# the app\n');
      writeFileSync(
        join(seed, '.devcontainer', 'Dockerfile'),
        `FROM ${DEBIAN_IMAGE}\nRUN useradd -m -s /bin/bash dev\nUSER dev\n`,
      );
      writeFileSync(
        join(seed, '.devcontainer', 'devcontainer.json'),
        JSON.stringify({
          name: 'App from a volume',
          build: { dockerfile: 'Dockerfile' },
          remoteUser: 'dev',
          runArgs: ['--network=host'],
          postCreateCommand: 'git log -1 --format=%s > /tmp/post-create.txt && touch written-by-dev',
        }),
      );
      const git = (...args: string[]) => run('git', ['-C', seed, ...args], { env: hostEnv });
      await run('git', ['init', '-q', seed], { env: hostEnv });
      await git('add', '.');
      await git('commit', '-q', '-m', 'the first commit');
      await git('push', '-q', bare, 'HEAD:refs/heads/main');
      await run('git', ['--git-dir', bare, 'symbolic-ref', 'HEAD', 'refs/heads/main'], { env: hostEnv });
    });

    after(async function () {
      await servers.closeAll();
      if (rt) {
        const ours = (await rt.listContainers({ all: true })).filter((c) => c.labels[TEST_LABEL] === tag);
        await Promise.all(ours.map((c) => rt.remove(c.id, { force: true }).catch(() => undefined)));
        for (const dir of folders) {
          const images = await engineCli(engine, ['images', '-q', '--filter', `label=${LABELS.workspace}=${dir}`]);
          for (const i of new Set(images.split('\n').filter(Boolean)))
            await engineCli(engine, ['rmi', '-f', i]).catch(() => undefined);
        }
        await engineCli(engine, ['volume', 'rm', '-f', repoVolumeName({ url })]).catch(() => undefined);
        void rt.close();
      }
      await http?.close();
      rmSync(root, { recursive: true, force: true });
    });

    it('without the credentials the clone fails with the address named, and nothing is left in the volume', async () => {
      const err = await create({ forwarding: { choice: NONE_FORWARDED, servers, env: hostEnv } }).then(
        () => assert.fail('the clone needs the credentials'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof RuntimeError);
      assert.match(err.message, new RegExp(`git clone of ${url.replace(/[.]/g, '\\.')} failed \\(exit code 128\\)`));
      assert.ok(
        progress.some((l) => /could not read Username|terminal prompts disabled/.test(l)),
        progress.join('\n'),
      );
      assert.ok(!(await volumes()).includes(repoVolumeName({ url })), 'the empty volume is not left either');
      const helpers = (await rt.listContainers({ all: true })).filter(
        (c) => c.labels[TEST_LABEL] === tag && c.labels['dev.containerworkspaces.helper'],
      );
      assert.deepEqual(helpers, [], 'no helper container is left');
    });

    /** The failure of a create that must fail, with no helper container and no volume left by it. */
    async function failsCleanly(more: Partial<RepoCreateOptions>, volume?: string): Promise<RuntimeError> {
      const err = await create(more).then(
        () => assert.fail('it must fail'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof RuntimeError, String(err));
      const helpers = (await rt.listContainers({ all: true })).filter(
        (c) => c.labels[TEST_LABEL] === tag && c.labels['dev.containerworkspaces.helper'],
      );
      assert.deepEqual(helpers, [], 'no helper container is left');
      if (volume) assert.ok(!(await volumes()).includes(volume), `no volume ${volume} is left`);
      return err;
    }

    it('bad input, each a clear message and nothing left: a malformed URL, an unreachable server, a wrong password, a missing branch', async () => {
      const malformed = await failsCleanly({ repo: { url: 'not a repository address' } });
      assert.equal(malformed.code, 'invalidArgument');
      assert.match(malformed.message, /not a repository address/);

      const closed = `http://127.0.0.1:1/${engine}-nothing.git`;
      const unreachable = await failsCleanly({ repo: { url: closed } }, repoVolumeName({ url: closed }));
      assert.match(
        unreachable.message,
        /failed \(exit code 128\): unable to access .*(Failed to connect|Connection refused)/,
      );
      assert.match(unreachable.hint ?? '', /could not be reached/);

      const wrongHome = join(root, 'wrong-home');
      mkdirSync(wrongHome, { recursive: true });
      writeFileSync(join(wrongHome, '.gitconfig'), '[credential]\n\thelper = store\n');
      writeFileSync(join(wrongHome, '.git-credentials'), `http://carol:not-${password}@127.0.0.1:${http.port}\n`, {
        mode: 0o600,
      });
      const wrongEnv = { ...hostEnv, HOME: wrongHome };
      const wrong = await failsCleanly(
        { env: wrongEnv, forwarding: { choice: ALL_FORWARDED, servers, env: wrongEnv } },
        repoVolumeName({ url }),
      );
      assert.match(wrong.message, /Authentication failed/);
      assert.match(wrong.hint ?? '', /credentials were refused or missing/);
      assert.ok(!wrong.message.includes(password) && !(wrong.hint ?? '').includes(password));

      const branch = { url, ref: 'no-such-branch' };
      const missing = await failsCleanly({ repo: branch }, repoVolumeName(branch));
      assert.match(missing.message, /Remote branch no-such-branch not found/);
      assert.match(missing.hint ?? '', /branch or tag is not in the repository/);
    });

    it('a volume name already taken (files, or another repository where the clone goes): refused, left as it was', async () => {
      const taken = { url, ref: 'main' };
      const name = repoVolumeName(taken);
      const inVolume = (script: string) => shIn(name, script);
      try {
        await inVolume(`mkdir -p /workspaces/${engine}-app && echo mine > /workspaces/${engine}-app/notes.txt`);
        const files = await failsCleanly({ repo: taken });
        assert.equal(files.code, 'conflict');
        assert.match(
          files.message,
          new RegExp(`Volume ${name} already has /workspaces/${engine}-app, and it is not a git clone`),
        );
        assert.match(files.hint ?? '', new RegExp(`Nothing was changed.*${engine} volume rm ${name}`));
        assert.equal(await inVolume(`cat /workspaces/${engine}-app/notes.txt`), 'mine');

        await inVolume(
          `cd /workspaces/${engine}-app && git init -q && git remote add origin https://example.invalid/other.git`,
        );
        const other = await failsCleanly({ repo: taken });
        assert.match(
          other.message,
          /already holds a clone of another repository \(https:\/\/example\.invalid\/other\.git\)/,
        );
        assert.equal(await inVolume(`cat /workspaces/${engine}-app/notes.txt`), 'mine', 'still there');
      } finally {
        await engineCli(engine, ['volume', 'rm', '-f', name]).catch(() => undefined);
      }
    });

    it('a folder appearing where the clone goes (another clone under way): refused, and not tidied away', async () => {
      const taken = { url, ref: 'main' };
      const name = repoVolumeName(taken);
      const inVolume = (script: string) => shIn(name, script);
      try {
        // What another clone has made the moment before git writes into it: an empty folder.
        await inVolume(`mkdir /workspaces/${engine}-app`);
        const raced = await failsCleanly({ repo: taken });
        assert.equal(raced.code, 'conflict');
        assert.match(raced.message, /appeared in volume .* as the clone began: another clone of it is under way/);
        assert.equal(await inVolume(`test -d /workspaces/${engine}-app && echo there`), 'there', 'left as it was');
      } finally {
        await engineCli(engine, ['volume', 'rm', '-f', name]).catch(() => undefined);
      }
    });

    it('a clone cancelled while git fetches: cancelled, and no half-clone, helper or volume left; the next one is whole', async () => {
      let open: () => void = () => undefined;
      // A server of its own whose answers wait: the cancel lands while git is fetching, every time.
      const gated = await startGitHttpServer({
        root: join(root, 'repos'),
        user: 'carol',
        password,
        gate: new Promise<void>((r) => (open = r)),
      });
      const gatedUrl = `${gated.url}/team/${engine}-app.git`;
      try {
        appendFileSync(join(root, 'home', '.git-credentials'), `http://carol:${password}@127.0.0.1:${gated.port}\n`);
        const ac = new AbortController();
        const pending = create({ repo: { url: gatedUrl }, signal: ac.signal }).then(
          () => assert.fail('it was cancelled'),
          (e: unknown) => e,
        );
        await until(
          'git to reach the server with the credentials',
          () => gated.counts.allowed > 0 || undefined,
          60_000,
        );
        ac.abort();
        const err = await pending;
        assert.ok(err instanceof RuntimeError && err.code === 'cancelled', String(err));
        const helpers = (await rt.listContainers({ all: true })).filter(
          (c) => c.labels[TEST_LABEL] === tag && c.labels['dev.containerworkspaces.helper'],
        );
        assert.deepEqual(helpers, [], 'no helper container is left');
        assert.ok(!(await volumes()).includes(repoVolumeName({ url: gatedUrl })), 'no volume is left');
        open();
        const whole = await create({ repo: { url: gatedUrl } });
        folders.add(whole.folder);
        assert.equal(whole.created, true);
        const log = await rt.exec(whole.id, {
          cmd: ['git', '-C', whole.workspaceFolder, 'log', '-1', '--format=%s'],
          user: 'dev',
        });
        assert.equal(log.stdout.trim(), 'the first commit', 'a whole clone, not a half one passed for it');
        await rt.remove(whole.id, { force: true });
      } finally {
        open();
        await gated.close();
        await engineCli(engine, ['volume', 'rm', '-f', repoVolumeName({ url: gatedUrl })]).catch(() => undefined);
      }
    });

    it('clones with this machine’s credentials, builds from the config in the volume, works in the clone as the remote user', async () => {
      progress.length = 0;
      const w = await create();
      folders.add(w.folder);
      assert.equal(await w.hooksDone, undefined);
      assert.equal(w.created, true);
      assert.equal(w.workspaceFolder, `/workspaces/${engine}-app`);
      assert.equal(w.volume, repoVolumeName({ url }));
      assert.ok((await volumes()).includes(w.volume));
      const c = await rt.inspect(w.id);
      assert.equal(c.labels[LABELS.repo], url);
      assert.equal(c.labels[LABELS.repoVolume], w.volume);
      const mount = c.mounts.find((m) => m.destination === '/workspaces');
      assert.equal(mount?.type, 'volume');
      assert.equal(mount?.source, w.volume);
      const r = await rt.exec(w.id, {
        cmd: [
          '/bin/sh',
          '-c',
          'pwd; cat README.md; stat -c %U written-by-dev .git; cat /tmp/post-create.txt; git status --short | wc -l',
        ],
        user: 'dev',
        workingDir: w.workspaceFolder,
      });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), [
        `/workspaces/${engine}-app`,
        '# the app',
        'dev',
        'dev',
        'the first commit',
        '1',
      ]);
      assert.ok(
        progress.some((l) => l.startsWith('Cloning ')),
        progress.join('\n'),
      );
    });

    it("the password is nowhere: not in the progress, the clone's volume, the container's filesystem or labels", async () => {
      assert.ok(!progress.join('\n').includes(password), 'not in the progress');
      const c = (await rt.listContainers({ all: true })).find(
        (x) => x.labels[LABELS.repo] === url && !x.labels['dev.containerworkspaces.helper'],
      )!;
      assert.ok(!JSON.stringify(await rt.inspect(c.id)).includes(password), 'not in its labels or environment');
      // grep exits 1 when nothing matched, 0 (with the file names) when something did.
      const inVolume = await shIn(
        repoVolumeName({ url }),
        'grep -rlF -e "$1" /workspaces; echo "grep exit $?"',
        password,
      );
      assert.equal(inVolume, 'grep exit 1', 'not in the volume');
      assert.deepEqual(await exportHolds(engine, c.id, [password], root), [], "not in the container's filesystem");
    });

    it('the same URL again reuses the volume and the container; cws exec --repo starts in the clone', async () => {
      progress.length = 0;
      const again = await create();
      assert.equal(again.created, false);
      assert.ok(progress.includes(`Reusing the clone in volume ${again.volume}.`), progress.join('\n'));
      const env = {
        ...hostEnv,
        ...(engine === 'docker'
          ? { CONTAINER_RUNTIME: 'docker', DOCKER_HOST: `unix://${ENGINE_SOCKETS.docker}` }
          : { CONTAINER_RUNTIME: 'podman' }),
      };
      const { stdout } = await run(process.execPath, [CWS, 'exec', '--repo', url, '-u', 'dev', '--', 'pwd'], {
        env,
        timeout: 60_000,
      });
      assert.equal(stdout.trim(), `/workspaces/${engine}-app`);
    });

    it('removing the workspace container keeps the volume', async () => {
      const c = (await rt.listContainers({ all: true })).find(
        (x) => x.labels[LABELS.repo] === url && !x.labels['dev.containerworkspaces.helper'],
      )!;
      await rt.remove(c.id, { force: true });
      assert.ok((await volumes()).includes(repoVolumeName({ url })));
    });

    it('cws rm --repo-volume: a volume another container still uses is kept (and said); else it goes, with its copied config', async () => {
      const env = {
        ...hostEnv,
        ...(engine === 'docker'
          ? { CONTAINER_RUNTIME: 'docker', DOCKER_HOST: `unix://${ENGINE_SOCKETS.docker}` }
          : { CONTAINER_RUNTIME: 'podman' }),
      };
      const cwsRm = (id: string) =>
        run(process.execPath, [CWS, 'rm', '--force', '--volumes', '--repo-volume', id], { env, timeout: 60_000 });
      const plain = await create();
      assert.equal(plain.created, true, 'a new container on the kept clone');
      const kept = await run(process.execPath, [CWS, 'rm', '--force', '--volumes', plain.id], { env, timeout: 60_000 });
      assert.match(
        kept.stderr,
        new RegExp(`the clone stays in volume ${plain.volume} \\(cws rm --repo-volume deletes it`),
      );
      assert.ok((await volumes()).includes(plain.volume), '--volumes alone keeps the clone');
      // A label alone names no volume of its own: a decoy removed with --repo-volume deletes nothing.
      const decoy = await engineCli(engine, [
        'run',
        '-d',
        '--label',
        `${TEST_LABEL}=${tag}`,
        '--label',
        `${LABELS.repoVolume}=${plain.volume}`,
        DEBIAN_IMAGE,
        'sleep',
        '600',
      ]);
      await cwsRm(decoy.trim());
      assert.ok((await volumes()).includes(plain.volume), 'the decoy did not take the clone with it');
      const again = await create();
      const other = await engineCli(engine, [
        'run',
        '-d',
        '--label',
        `${TEST_LABEL}=${tag}`,
        '-v',
        `${again.volume}:/elsewhere`,
        DEBIAN_IMAGE,
        'sleep',
        '600',
      ]);
      const inUse = await cwsRm(again.id);
      assert.match(inUse.stderr, new RegExp(`volume ${again.volume} kept: another container still uses it`));
      assert.ok((await volumes()).includes(again.volume), 'kept while used');
      await engineCli(engine, ['rm', '-f', other.trim()]);
      const last = await create();
      assert.ok(existsSync(last.folder), 'the config copied out of the volume');
      await cwsRm(last.id);
      assert.ok(!(await volumes()).includes(last.volume), 'the volume is gone');
      assert.ok(!existsSync(last.folder), 'and the config copied out of it');
    });
  });
}
