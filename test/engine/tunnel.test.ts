// `code tunnel` in a container on the real dockerd and Podman, with the fake VS Code CLI
// (test/fakes/code) in the image: start detached, follow, status from another runtime object (as
// after a window reload), conflicts, stop, odd names, a missing CLI.
import * as assert from 'node:assert/strict';
import { DockerRuntime } from '../../src/core/runtime/docker/dockerRuntime';
import { PodmanRuntime } from '../../src/core/runtime/docker/podmanRuntime';
import { RuntimeError } from '../../src/core/runtime/errors';
import {
  followTunnel,
  hasCodeCli,
  startTunnel,
  stopTunnel,
  tunnelName,
  tunnelStatus,
  type TunnelEvent,
} from '../../src/core/tunnels';
import type { CreateContainerOptions } from '../../src/core/runtime/types';
import {
  ENGINE_SOCKETS,
  TEST_IMAGE,
  TEST_LABEL,
  engineCli,
  removeTestContainers,
  requireEngine,
  uniqueName,
  type EngineId,
} from '../support/engines';
import { ensureTunnelImage } from '../support/tunnelImage';
import { isCode, until } from '../support/until';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LOGIN = { kind: 'login', code: 'ABCD-1234', url: 'https://github.com/login/device' };

for (const engine of ['docker', 'podman'] as EngineId[]) {
  describe(`code tunnel: ${engine} (real engine, fake code CLI)`, function () {
    this.timeout(120_000);
    let rt: DockerRuntime;
    let image: string;
    const labels = { [TEST_LABEL]: String(process.pid) };
    const newRuntime = () => {
      const ep = { url: `unix://${ENGINE_SOCKETS[engine]}`, socketPath: ENGINE_SOCKETS[engine] };
      return engine === 'podman' ? new PodmanRuntime(ep) : new DockerRuntime('docker', ep);
    };
    const run = async (extra: Partial<CreateContainerOptions> = {}) => {
      const id = await rt.createContainer({
        image,
        name: uniqueName(`cws-tun-${engine}`),
        cmd: ['sleep', '600'],
        labels,
        ...extra,
      });
      await rt.start(id);
      return id;
    };
    const sh = (id: string, script: string, ...args: string[]) =>
      engineCli(engine, ['exec', id, 'sh', '-c', script, 'sh', ...args]);
    /** The `code tunnel` processes in the container. */
    /**
     * The `code tunnel` processes, as "pid user args" lines. The fake CLI is a shell script whose
     * loop forks `sleep` every second; between fork and exec that child shows the same arguments
     * (seen once on a loaded machine), so a match whose parent is also a match is not counted.
     */
    const tunnels = async (id: string) => {
      const rows = (await sh(id, 'ps -o pid,ppid,user,args'))
        .split('\n')
        .map((l) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(l))
        .filter((m): m is RegExpExecArray => !!m && /bin\/code tunnel/.test(m[4]));
      const pids = new Set(rows.map((m) => m[1]));
      return rows.filter((m) => !pids.has(m[2])).map((m) => `${m[1]} ${m[3]} ${m[4]}`);
    };
    const collect = async (id: string, r = rt) => {
      const events: TunnelEvent[] = [];
      const sub = await followTunnel(r, id, (e) => events.push(e), { intervalMs: 200 });
      return { events, sub, kinds: () => events.map((e) => e.kind).filter((k) => k !== 'output') };
    };

    before(async function () {
      requireEngine(this, engine);
      rt = newRuntime();
      image = await ensureTunnelImage(rt, engine);
    });
    after(async () => {
      void rt?.close();
      if (rt) await removeTestContainers(engine);
    });

    it('hasCodeCli: true with the CLI in the image, false without; starting there is notFound with the download hint', async () => {
      const withCode = await run();
      const plain = await run({ image: TEST_IMAGE });
      assert.equal(await hasCodeCli(rt, withCode), true);
      assert.equal(await hasCodeCli(rt, plain), false);
      await assert.rejects(startTunnel(rt, plain, { name: 'x' }), (e: unknown) => {
        assert.ok(e instanceof RuntimeError && e.code === 'notFound', String(e));
        assert.match(e.message, /no `code` CLI/);
        assert.match(
          e.hint ?? '',
          /https:\/\/code\.visualstudio\.com\/sha\/download\?build=stable&os=cli-alpine-(x64|arm64)/,
        );
        assert.match(e.hint ?? '', /\/usr\/local\/bin/);
        return true;
      });
      assert.deepEqual((await sh(plain, 'ls -A /tmp')).split('\n').filter(Boolean), [], 'nothing written');
      await assert.rejects(
        followTunnel(rt, plain, () => undefined),
        isCode('notFound'),
      );
      assert.deepEqual(await tunnelStatus(rt, plain), { running: false });
    });

    it('start → login then address; status from a new runtime; a second start conflicts; stop ends it', async () => {
      const id = await run({ workingDir: '/workspaces/app' });
      await sh(id, 'mkdir -p /workspaces/app');
      const started = await startTunnel(rt, id, { name: 'Demo Box' });
      assert.equal(started.running, true);
      assert.equal(started.name, 'demo-box');
      assert.ok(started.pid && started.pid > 1, `pid ${started.pid}`);

      const f = await collect(id);
      await until('the address', () => (f.events.some((e) => e.kind === 'ready') ? true : undefined), 15_000);
      assert.deepEqual(f.kinds(), ['login', 'ready']);
      assert.deepEqual(
        f.events.find((e) => e.kind === 'login'),
        LOGIN,
      );
      const url = 'https://vscode.dev/tunnel/demo-box/workspaces/app';
      assert.deepEqual(
        f.events.find((e) => e.kind === 'ready'),
        { kind: 'ready', url },
      );
      assert.ok(
        f.events.some((e) => e.kind === 'output' && /Visual Studio Code Server/.test(e.line)),
        'licence text as output',
      );
      assert.ok(f.events.every((e) => e.kind !== 'output' || !/\r/.test(e.line)));

      // As after a window reload: another runtime object, another follow (replays what was printed).
      const fresh = newRuntime();
      try {
        assert.deepEqual(await tunnelStatus(fresh, id), { running: true, name: 'demo-box', url, pid: started.pid });
        const replay = await collect(id, fresh);
        await until('the replay', () => (replay.kinds().length === 2 ? true : undefined), 10_000);
        assert.deepEqual(replay.kinds(), ['login', 'ready']);
        replay.sub.close();
        await replay.sub.ended;
      } finally {
        void fresh.close();
      }

      // Detached from the exec that started it, with the file keychain in its environment.
      assert.equal((await tunnels(id)).length, 1);
      assert.equal(
        await sh(
          id,
          'tr "\\0" "\\n" < "/proc/$1/environ" | grep -c "^VSCODE_CLI_USE_FILE_KEYCHAIN=1$"',
          String(started.pid),
        ),
        '1',
      );
      const cli = JSON.parse(await sh(id, 'code tunnel status')) as {
        tunnel: Record<string, unknown>;
        service_installed: boolean;
      };
      assert.deepEqual(Object.keys(cli), ['tunnel', 'service_installed']);
      assert.equal(cli.tunnel.name, 'demo-box');
      assert.equal(cli.tunnel.tunnel, 'Connected');

      await assert.rejects(startTunnel(rt, id, { name: 'other' }), (e: unknown) => {
        assert.ok(e instanceof RuntimeError && e.code === 'conflict', String(e));
        assert.match(e.message, new RegExp(`pid ${started.pid}`));
        return true;
      });
      assert.equal((await tunnels(id)).length, 1, 'no second tunnel');

      await stopTunnel(rt, id);
      await Promise.race([
        f.sub.ended,
        sleep(10_000).then(() => {
          throw new Error('follow did not end');
        }),
      ]);
      assert.deepEqual(f.events.at(-1), { kind: 'ended', exitCode: 0 });
      assert.deepEqual(await tunnelStatus(rt, id), { running: false, name: 'demo-box', exitCode: 0 });
      assert.deepEqual(await tunnels(id), [], 'no tunnel process left');
      await stopTunnel(rt, id); // nothing to do: no error

      // It can be started again.
      const again = await startTunnel(rt, id, { name: 'demo-box' });
      assert.equal(again.running, true);
      assert.equal((await tunnelStatus(rt, id)).running, true);
      await stopTunnel(rt, id);
      assert.equal((await tunnelStatus(rt, id)).running, false);
    });

    it('a name with shell syntax is sanitised and nothing is interpreted by a shell', async () => {
      const id = await run();
      const raw = `x'; touch /tmp/p1; echo '$(touch /tmp/p2)\`touch /tmp/p3\`" && touch /tmp/p4 ü`;
      const name = tunnelName(raw);
      assert.match(name, /^[a-z0-9_-]{1,20}$/);
      const s = await startTunnel(rt, id, { name: raw });
      assert.equal(s.name, name);
      const f = await collect(id);
      await until('the address', () => (f.events.some((e) => e.kind === 'ready') ? true : undefined), 15_000);
      assert.deepEqual(
        f.events.find((e) => e.kind === 'ready'),
        { kind: 'ready', url: `https://vscode.dev/tunnel/${name}` },
      );
      assert.equal((await tunnelStatus(rt, id)).name, name);
      assert.equal(await sh(id, 'ls /tmp/p1 /tmp/p2 /tmp/p3 /tmp/p4 2>/dev/null | wc -l'), '0');
      f.sub.close();
      await f.sub.ended;
      await stopTunnel(rt, id);
    });

    it('a tunnel that exits by itself: follow ends with its exit code, status says so', async () => {
      const id = await run({ env: { CWS_FAKE_CODE_EXIT: '3' } });
      await startTunnel(rt, id, { name: 'failing' });
      const f = await collect(id);
      await Promise.race([
        f.sub.ended,
        sleep(10_000).then(() => {
          throw new Error('follow did not end');
        }),
      ]);
      assert.deepEqual(f.kinds(), ['login', 'ended']);
      assert.deepEqual(f.events.at(-1), { kind: 'ended', exitCode: 3 });
      assert.ok(
        f.events.some((e) => e.kind === 'output' && /not authorized/.test(e.line)),
        'its last words are delivered',
      );
      assert.deepEqual(await tunnelStatus(rt, id), { running: false, name: 'failing', exitCode: 3 });
      // Following a tunnel that is gone replays its log and ends.
      const again = await collect(id);
      await again.sub.ended;
      assert.deepEqual(again.kinds(), ['login', 'ended']);
    });

    it('after a container restart the old pid does not count; close() stops a follow', async () => {
      const id = await run();
      await startTunnel(rt, id, { name: 'restarts' });
      const f = await collect(id);
      await until('the login', () => (f.events.some((e) => e.kind === 'login') ? true : undefined), 10_000);
      f.sub.close();
      await f.sub.ended;
      const n = f.events.length;
      await rt.restart(id, 0);
      assert.equal((await tunnelStatus(rt, id)).running, false);
      await sleep(1500);
      assert.equal(f.events.length, n, 'no event after close()');
      const s = await startTunnel(rt, id, { name: 'restarts' });
      assert.equal(s.running, true);
      await stopTunnel(rt, id);
    });

    it('a reused pid is not taken for the tunnel, even when that process mentions "code tunnel"', async () => {
      const id = await run();
      await startTunnel(rt, id, { name: 'reuse' });
      await stopTunnel(rt, id);
      // Another process now sits at the recorded pid, its arguments naming a tunnel (as the
      // start script's own exec does when it happens to get the old pid after a restart).
      await sh(id, 'sh -c "sleep 300; :" code tunnel >/dev/null 2>&1 & echo $! > /tmp/.cws-tunnel/pid');
      const impostor = (await sh(id, 'cat /tmp/.cws-tunnel/pid')).trim();
      assert.match(await sh(id, 'tr "\\0" " " < /proc/$1/cmdline', impostor), / tunnel\b/);
      assert.equal((await tunnelStatus(rt, id)).running, false);
      const s = await startTunnel(rt, id, { name: 'reuse' });
      assert.equal(s.running, true);
      assert.notEqual(String(s.pid), impostor);
      await stopTunnel(rt, id);
      assert.match(await sh(id, 'kill -0 "$1" && echo alive', impostor), /alive/, 'stop left the other process alone');
    });

    it('as another user: runs as that user, stopped from a runtime that does not know it', async () => {
      const id = await run();
      await assert.rejects(startTunnel(rt, id, { name: 'u', user: '1000' }), isCode('permission')); // /tmp is root's 755 here
      await sh(id, 'chmod 1777 /tmp');
      await startTunnel(rt, id, { name: 'u', user: '1000' });
      const ps = await tunnels(id);
      assert.equal(ps.length, 1);
      assert.match(ps[0], /^\s*\d+\s+1000\s/);
      const fresh = newRuntime();
      try {
        assert.equal((await tunnelStatus(fresh, id)).running, true);
        await stopTunnel(fresh, id);
        assert.equal((await tunnelStatus(fresh, id)).running, false);
      } finally {
        void fresh.close();
      }
      assert.deepEqual(await tunnels(id), []);
    });
  });
}
