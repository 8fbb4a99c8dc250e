// AppleRuntime against test/fakes/container, a stateful test double of Apple's `container` CLI that
// prints the real CLI's JSON (per generation) and error texts, and runs init processes and exec
// commands for real on this host. Each invocation of the fake is logged to <state>/calls.log, which
// is how these tests see which commands ran, and when.
import * as assert from 'node:assert/strict';
import { writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppleRuntime } from '../../src/core/runtime/apple/appleRuntime';
import { RuntimeError } from '../../src/core/runtime/errors';
import { ForwardServers } from '../../src/core/forwarding/serve';
import { NONE_FORWARDED } from '../../src/core/forwarding/types';
import { forwardAtCreate, withForwarding } from '../../src/core/workspace/forwarding';
import type { LogChunk, ProgressEvent, RuntimeEvent, StatsSample } from '../../src/core/runtime/types';
import { alive, FakeBed, fakeGrandchildren } from '../support/appleFake';
import { imageInventory } from '../../src/core/inventory/images';
import { networkInventory } from '../../src/core/inventory/networks';
import { removeImageChecked, removeNetworkChecked, removeVolumeChecked } from '../../src/core/inventory/remove';
import { volumeInventory } from '../../src/core/inventory/volumes';
import { isCode, until } from '../support/until';

const IMAGE = 'docker.io/library/busybox:latest';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('apple runtime (fake container CLI)', function () {
  this.timeout(30_000);
  let bed: FakeBed;
  beforeEach(() => {
    bed = new FakeBed();
  });
  afterEach(async () => {
    await bed.cleanup();
  });

  describe('JSON generations', () => {
    it('1.x, 1.4, 0.8 and 0.7 output normalise to the same containers; info reports each version', async () => {
      const rt = bed.runtime();
      const running = await rt.createContainer({
        image: IMAGE,
        name: 'gen-run',
        cmd: ['sleep', '60'],
        labels: { team: 'a' },
      });
      await rt.start(running);
      await rt.createContainer({ image: 'busybox', name: 'gen-new', cmd: ['true'] });
      const ran = await rt.createContainer({ image: IMAGE, name: 'gen-ran', cmd: ['true'] });
      await rt.start(ran);
      await until('gen-ran exited', async () => ((await rt.inspect(ran)).state === 'exited' ? true : undefined));
      const reference = await rt.inspect(running);
      assert.ok(reference.startedAt, 'startedAt');

      const versions: Record<string, string> = { '1.x': '1.2.2', '1.4': '1.4.1', '0.8': '0.8.0', '0.7': '0.7.1' };
      for (const gen of Object.keys(versions)) {
        const g = bed.runtime({ CWS_FAKE_CONTAINER_GEN: gen });
        const all = await g.listContainers();
        const byName = Object.fromEntries(all.map((c) => [c.name, c]));
        assert.deepEqual(
          [byName['gen-run']?.state, byName['gen-new']?.state, byName['gen-ran']?.state],
          ['running', 'created', 'exited'],
          gen,
        );
        assert.equal(byName['gen-new'].image, IMAGE, `${gen}: the short image name is stored fully qualified`);
        assert.deepEqual(
          (await g.listContainers({ all: false })).map((c) => c.id),
          [running],
          `${gen}: only running`,
        );
        const d = await g.inspect(running);
        assert.equal(d.labels.team, 'a', gen);
        assert.deepEqual(d.command, ['sleep', '60'], gen);
        assert.match(d.networks[0]?.ipAddress ?? '', /^192\.168\.64\.\d+$/, `${gen}: IP address`);
        assert.ok(
          Math.abs(d.startedAt! - reference.startedAt) < 1000,
          `${gen}: startedAt ${d.startedAt} vs ${reference.startedAt}`,
        );
        assert.ok(Math.abs(d.created - reference.created) < 1000, `${gen}: created`);
        assert.equal((await g.info()).version, versions[gen], gen);
      }
      // Every list asked for --all, in JSON: up to 0.9 the CLI ignored the flag, so the runtime filters itself.
      const lists = bed.calls().filter((c) => c.args[0] === 'ls');
      assert.ok(lists.length >= 8);
      for (const c of lists) assert.deepEqual(c.args, ['ls', '--all', '--format', 'json']);
    });
  });

  describe('errors', () => {
    it('service down → unavailable with the hint to run `container system start`, for every kind of call', async () => {
      const rt = bed.runtime({ CWS_FAKE_CONTAINER_DOWN: '1' });
      const calls: [string, () => Promise<unknown>][] = [
        ['ping', () => rt.ping()],
        ['info', () => rt.info()],
        ['listContainers', () => rt.listContainers()],
        ['inspect', () => rt.inspect('x')],
        ['start', () => rt.start('x')],
        ['exec', () => rt.exec('x', { cmd: ['true'] })],
        ['createContainer', () => rt.createContainer({ image: IMAGE })],
        ['listImages', () => rt.listImages()],
      ];
      for (const [name, call] of calls) {
        await assert.rejects(call(), (e: unknown) => {
          assert.ok(e instanceof RuntimeError, name);
          assert.equal(e.code, 'unavailable', name);
          assert.match(e.message, /not running/, name);
          assert.match(e.hint ?? '', /run `container system start`/, name);
          return true;
        });
      }
    });

    it('a missing container → notFound from every command (each prints its own text)', async () => {
      const rt = bed.runtime();
      for (const [name, call] of [
        ['inspect', () => rt.inspect('ghost')],
        ['start', () => rt.start('ghost')],
        ['stop', () => rt.stop('ghost')],
        ['kill', () => rt.kill('ghost')],
        ['remove', () => rt.remove('ghost')],
        ['exec', () => rt.exec('ghost', { cmd: ['true'] })],
        ['stats', () => rt.stats('ghost')],
        ['logs', () => rt.logs('ghost', {}, () => undefined)],
        ['wait', () => rt.wait('ghost')],
      ] as [string, () => Promise<unknown>][]) {
        await assert.rejects(call(), (e: unknown) => {
          assert.ok(e instanceof RuntimeError && e.code === 'notFound', `${name}: ${String(e)}`);
          assert.match(e.message, /ghost/, name);
          return true;
        });
      }
      // The fake really printed the per-command texts the runtime had to recognise.
      assert.match((await bed.cli(['inspect', 'ghost'])).stderr, /^Error: container not found: ghost/);
      assert.match((await bed.cli(['start', 'ghost'])).stderr, /^Error: get failed: container ghost not found/);
      assert.match((await bed.cli(['stop', 'ghost'])).stderr, /^Error: notFound: "container with ID ghost not found"/);
      assert.match((await bed.cli(['stats', 'ghost'])).stderr, /^Error: no such container: ghost/);
      assert.equal((await bed.cli(['ls', '--bogus'])).code, 64, 'usage errors exit 64');
    });

    it('no `container` executable → unavailable, saying where it looked and how to install it', async () => {
      const rt = new AppleRuntime({ cliPath: join(bed.dir, 'no-such-container') });
      assert.equal(rt.endpoint, join(bed.dir, 'no-such-container'));
      await assert.rejects(rt.ping(), (e: unknown) => {
        assert.ok(e instanceof RuntimeError && e.code === 'unavailable', String(e));
        assert.match(e.message, /container CLI was not found .*no-such-container/);
        assert.match(e.hint ?? '', /github\.com\/apple\/container/);
        return true;
      });
      await rt.close();
    });

    it('a hanging CLI call times out, and the hung process is killed', async () => {
      const rt = bed.runtime({ CWS_FAKE_CONTAINER_HANG: '1' }, { timeoutMs: 500 });
      const t0 = Date.now();
      await assert.rejects(rt.listContainers(), (e: unknown) => {
        assert.ok(e instanceof RuntimeError && e.code === 'timeout', String(e));
        assert.match(e.message, /did not answer in time/);
        return true;
      });
      assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
      const hung = bed.calls().filter((c) => c.args[0] === 'ls');
      assert.equal(hung.length, 1);
      await until('the hung child to be gone', () => (alive(hung[0].pid) ? undefined : true), 5000);
      assert.deepEqual(bed.running(), []);
    });

    it('pause is refused clearly; restart is stop + start', async () => {
      const rt = bed.runtime();
      assert.equal(rt.capabilities.pause, false);
      const id = await rt.createContainer({ image: IMAGE, name: 'p1', cmd: ['sleep', '60'] });
      await rt.start(id);
      await assert.rejects(
        rt.pause(id),
        (e: unknown) => e instanceof RuntimeError && e.code === 'invalidArgument' && /cannot pause/.test(e.message),
      );
      await assert.rejects(rt.unpause(id), isCode('invalidArgument'));
      const before = bed.calls().length;
      await rt.restart(id, 1);
      assert.deepEqual(
        bed
          .calls()
          .slice(before)
          .map((c) => c.args[0]),
        ['stop', 'start'],
      );
      assert.equal((await rt.inspect(id)).state, 'running');
      await assert.rejects(
        rt.remove(id),
        (e: unknown) => e instanceof RuntimeError && e.code === 'conflict' && /stop it first/.test(e.message),
      );
    });
  });

  describe('create options', () => {
    it('name, labels, env, mounts, ports, workdir and user reach the container', async () => {
      const rt = bed.runtime();
      const site = join(bed.dir, 'site');
      const odd = join(bed.dir, 'odd:dir');
      mkdirSync(site);
      mkdirSync(odd);
      const id = await rt.createContainer({
        image: IMAGE,
        name: 'opts',
        cmd: ['sleep', '60'],
        env: { CWS_GREETING: 'hello world' },
        labels: { 'dev.cws.a': 'x y' },
        workingDir: '/tmp',
        user: '501:20',
        mounts: [
          { type: 'bind', source: site, target: '/site', readOnly: true },
          { type: 'volume', source: 'data', target: '/data' },
          { type: 'bind', source: odd, target: '/odd' },
        ],
        ports: [
          { containerPort: 80, hostPort: 8080, protocol: 'tcp' },
          { containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1', protocol: 'udp' },
        ],
      });
      assert.equal(id, 'opts');
      const d = await rt.inspect(id);
      assert.equal(d.name, 'opts');
      assert.equal(d.labels['dev.cws.a'], 'x y');
      assert.equal(d.workingDir, '/tmp');
      assert.equal(d.user, '501:20');
      assert.deepEqual(d.mounts, [
        { type: 'bind', source: site, destination: '/site', readOnly: true },
        { type: 'volume', source: 'data', destination: '/data', readOnly: false },
        { type: 'bind', source: odd, destination: '/odd', readOnly: false },
      ]);
      assert.deepEqual(d.ports, [
        { containerPort: 80, hostPort: 8080, hostIp: '0.0.0.0', protocol: 'tcp' },
        { containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1', protocol: 'udp' },
      ]);
      await rt.start(id);
      const env = await rt.exec(id, { cmd: ['sh', '-c', 'echo "$CWS_GREETING"; pwd'] });
      assert.equal(env.stdout, 'hello world\n/tmp\n');
      await assert.rejects(rt.createContainer({ image: IMAGE, name: 'opts' }), isCode('conflict'));
    });

    it("a workspace container lending the SSH agent is created with Apple's own --ssh, not a socket mount", async () => {
      const rt = bed.runtime();
      const fw = await forwardAtCreate(
        rt,
        {
          choice: { ...NONE_FORWARDED, sshAgent: true },
          servers: new ForwardServers(),
          env: { ...process.env, CWS_FORWARD_DIR: join(bed.dir, 'fwd') },
        },
        () => undefined,
        'darwin',
      );
      assert.ok(fw?.sshAgent, 'the plan asks for --ssh');
      assert.equal(fw.env.SSH_AUTH_SOCK, undefined, 'the CLI sets SSH_AUTH_SOCK itself');
      await rt.createContainer(withForwarding({ image: IMAGE, name: 'lender', cmd: ['sleep', '60'] }, fw));
      const create = bed.calls().find((c) => c.args[0] === 'create' && c.args.includes('lender'));
      assert.ok(create?.args.includes('--ssh'), create?.args.join(' '));
    });

    it('removeVolume: refused while a container uses the volume, then deleted; a second time notFound', async () => {
      const rt = bed.runtime();
      await rt.createContainer({
        image: IMAGE,
        name: 'holder',
        cmd: ['sleep', '60'],
        mounts: [{ type: 'volume', source: 'cws-repo-app-0123456789', target: '/workspaces' }],
      });
      await assert.rejects(rt.removeVolume('cws-repo-app-0123456789'), isCode('conflict'));
      await rt.remove('holder', { force: true });
      await rt.removeVolume('cws-repo-app-0123456789');
      assert.ok(bed.calls().some((c) => c.args.join(' ') === 'volume delete cws-repo-app-0123456789'));
      await assert.rejects(rt.removeVolume('cws-repo-app-0123456789'), isCode('notFound'));
      await assert.rejects(rt.removeVolume('--all'), isCode('invalidArgument'));
    });
  });

  describe('images, volumes and networks', () => {
    it('a tag, a volume and the default network list with the container that uses each; removal refused while in use', async () => {
      const rt = bed.runtime();
      await rt.tagImage(IMAGE, 'example.test/team/app:1');
      const id = await rt.createContainer({
        image: 'example.test/team/app:1',
        name: 'user1',
        cmd: ['sleep', '60'],
        mounts: [{ type: 'volume', source: 'appdata', target: '/data' }],
      });
      const containers = await rt.listContainers({ all: true });
      const inv = imageInventory(await rt.listImages(), containers);
      const row = inv.groups.find((g) => g.repository === 'example.test/team/app')?.rows[0];
      assert.deepEqual([row?.tag, row?.usedBy.map((c) => c.name)], ['1', ['user1']]);
      const vol = volumeInventory(await rt.listVolumes(), containers).find((v) => v.volume.name === 'appdata');
      assert.deepEqual(
        vol?.usedBy.map((c) => c.name),
        ['user1'],
      );
      assert.equal((await bed.cli(['network', 'create', 'side'])).code, 0);
      const nets = networkInventory('apple', await rt.listNetworks(), containers);
      assert.deepEqual(
        nets.map((n) => [n.network.name, n.builtIn, n.attached.map((c) => c.name)]),
        [
          ['default', true, ['user1']],
          ['side', false, []],
        ],
      );
      assert.ok(nets[0].network.created! > Date.UTC(2024, 0, 1), 'the 2001-epoch date is read');
      await assert.rejects(removeVolumeChecked(rt, 'appdata'), isCode('conflict'));
      await assert.rejects(removeNetworkChecked(rt, nets[0].network), isCode('invalidArgument'));
      await assert.rejects(rt.removeNetwork('default'), isCode('invalidArgument'));
      await removeNetworkChecked(rt, nets[1].network);
      assert.deepEqual(
        (await rt.listNetworks()).map((n) => n.name),
        ['default'],
      );
      // The tag is the only one of its image here (Apple lists a row per reference): refused in use.
      await assert.rejects(removeImageChecked(rt, 'example.test/team/app:1'), isCode('conflict'));
      await rt.remove(id, { force: true });
      await removeImageChecked(rt, 'example.test/team/app:1');
      await removeVolumeChecked(rt, 'appdata');
      assert.ok(bed.calls().some((c) => c.args.join(' ') === 'image delete example.test/team/app:1'));
      assert.equal(
        (await rt.listImages()).some((i) => i.tags.includes('example.test/team/app:1')),
        false,
      );
    });
  });

  describe('exec', () => {
    it('returns real output and exit codes; a stopped container is a conflict', async () => {
      const rt = bed.runtime();
      const id = await rt.createContainer({ image: IMAGE, name: 'ex', cmd: ['sleep', '60'] });
      await rt.start(id);
      const tricky = 'a b "c" \'d\' $(echo no) `echo no` ü ;|&';
      assert.deepEqual(await rt.exec(id, { cmd: ['echo', tricky] }), {
        exitCode: 0,
        stdout: `${tricky}\n`,
        stderr: '',
      });
      assert.deepEqual(await rt.exec(id, { cmd: ['sh', '-c', 'echo out; echo err >&2; exit 42'] }), {
        exitCode: 42,
        stdout: 'out\n',
        stderr: 'err\n',
      });
      // A command whose own stderr looks like an error is still a result, not a CLI failure.
      const own = await rt.exec(id, { cmd: ['sh', '-c', 'echo "Error: file not readable" >&2; exit 1'] });
      assert.equal(own.exitCode, 1);
      assert.equal(own.stderr, 'Error: file not readable\n');
      assert.equal((await rt.exec(id, { cmd: ['pwd'], workingDir: bed.dir })).stdout, `${bed.dir}\n`);
      await rt.stop(id, 1);
      await assert.rejects(
        rt.exec(id, { cmd: ['true'] }),
        (e: unknown) => e instanceof RuntimeError && e.code === 'conflict' && /ex is not running/.test(e.message),
      );
      await assert.rejects(rt.execInteractive(id, { cmd: ['sh'] }), isCode('conflict'));
    });

    it('execInteractive pipes stdin and output both ways and reports the exit code', async () => {
      const rt = bed.runtime();
      const id = await rt.createContainer({ image: IMAGE, name: 'tty', cmd: ['sleep', '60'] });
      await rt.start(id);
      const session = await rt.execInteractive(id, {
        cmd: ['sh', '-c', 'read line; echo "got $line"; exit 5'],
        cols: 80,
        rows: 24,
      });
      let data = '';
      session.onData((d) => {
        data += d;
      });
      await session.resize(100, 30); // documented no-op
      session.write('hello\n');
      assert.equal(await session.exit, 5);
      assert.equal(data, 'got hello\n');
      const cat = await rt.execInteractive(id, { cmd: ['cat'] });
      cat.close();
      assert.equal(await cat.exit, -1);
      assert.deepEqual(bed.running(), []);
    });
  });

  describe('events by polling', () => {
    it('lists only while subscribed; outside changes arrive as create, start, die, destroy; nothing runs after close', async () => {
      const rt = bed.runtime();
      await sleep(700);
      assert.equal(bed.calls().filter((c) => c.args[0] === 'ls').length, 0, 'no polling before anyone subscribes');

      const seen: RuntimeEvent[] = [];
      const errors: Error[] = [];
      const sub = rt.subscribeEvents(
        (e) => seen.push(e),
        (e) => errors.push(e),
      );
      await until('the first list', () => (bed.calls().some((c) => c.args[0] === 'ls') ? true : undefined));
      // Changes made by someone else (the CLI itself): only polling can see them.
      await bed.cli(['create', '--name', 'outside', IMAGE, 'sleep', '60']);
      await until('create', () => seen.find((e) => e.action === 'create' && e.id === 'outside'));
      await bed.cli(['start', 'outside']);
      await until('start', () => seen.find((e) => e.action === 'start' && e.id === 'outside'));
      await bed.cli(['stop', '-t', '1', 'outside']);
      await until('die', () => seen.find((e) => e.action === 'die' && e.id === 'outside'));
      await bed.cli(['delete', 'outside']);
      await until('destroy', () => seen.find((e) => e.action === 'destroy' && e.id === 'outside'));
      assert.deepEqual(
        seen.filter((e) => e.id === 'outside').map((e) => e.action),
        ['create', 'start', 'die', 'destroy'],
      );
      const created = seen.find((e) => e.action === 'create')!;
      assert.equal(created.name, 'outside');
      assert.equal(created.image, IMAGE);
      assert.deepEqual(errors, []);

      // Changes through this runtime are told at once, even when undone before the next poll.
      const n = seen.length;
      const quick = await rt.createContainer({ image: IMAGE, name: 'quick', cmd: ['sleep', '60'] });
      await rt.start(quick);
      await rt.remove(quick, { force: true });
      assert.deepEqual(
        seen.slice(n).map((e) => `${e.action}:${e.id}`),
        ['create:quick', 'start:quick', 'die:quick', 'destroy:quick'],
      );

      sub.close();
      await sub.ended;
      const callsAtClose = bed.calls().length;
      const eventsAtClose = seen.length;
      await bed.cli(['create', '--name', 'after', IMAGE]);
      await sleep(1200); // four poll intervals
      assert.equal(bed.calls().length, callsAtClose + 1, 'no container process spawned by the runtime after close()');
      assert.equal(seen.length, eventsAtClose, 'no events after close()');
    });

    it('a service outage is reported once, and polling picks up again when it is back', async () => {
      const rt = bed.runtime();
      const seen: RuntimeEvent[] = [];
      const errors: Error[] = [];
      const sub = rt.subscribeEvents(
        (e) => seen.push(e),
        (e) => errors.push(e),
      );
      await until('the first list', () => (bed.calls().some((c) => c.args[0] === 'ls') ? true : undefined));
      writeFileSync(join(bed.dir, 'down'), ''); // the service stops
      const lists = bed.calls().filter((c) => c.args[0] === 'ls').length;
      await until('three failed lists', () =>
        bed.calls().filter((c) => c.args[0] === 'ls').length >= lists + 3 ? true : undefined,
      );
      assert.equal(errors.length, 1, 'one error for the whole outage');
      assert.ok(errors[0] instanceof RuntimeError && errors[0].code === 'unavailable');
      rmSync(join(bed.dir, 'down')); // and is back
      await bed.cli(['create', '--name', 'back', IMAGE]);
      await until('create after the outage', () => seen.find((e) => e.action === 'create' && e.id === 'back'));
      assert.equal(errors.length, 1);
      sub.close();
    });
  });

  describe('stats', () => {
    it("CPU % from two snapshots' cpuUsageUsec; memory and pids from the snapshot", async () => {
      const rt = bed.runtime({ CWS_FAKE_CONTAINER_CPU: '40' });
      const id = await rt.createContainer({ image: IMAGE, name: 'st', cmd: ['sleep', '60'] });
      await rt.start(id);
      const s = await rt.stats(id);
      assert.equal(s.id, id);
      assert.ok(Math.abs(s.cpuPercent - 40) < 6, `cpuPercent ${s.cpuPercent}`);
      assert.ok(s.memoryUsed > 0 && s.memoryLimit === 1024 ** 3, `memory ${s.memoryUsed}/${s.memoryLimit}`);
      assert.ok(Math.abs(s.memoryPercent - (s.memoryUsed / s.memoryLimit) * 100) < 1e-9);
      assert.equal(s.pids, 1);
      const statsCalls = bed.calls().filter((c) => c.args[0] === 'stats');
      assert.equal(statsCalls.length, 2, 'two snapshots');
      assert.deepEqual(statsCalls[0].args, ['stats', '--format', 'json', '--no-stream', id]);

      // The fake's counter follows CWS_FAKE_CONTAINER_CPU: another rate, another figure.
      const busy = bed.runtime({ CWS_FAKE_CONTAINER_CPU: '150' });
      const b = await busy.stats(id);
      assert.ok(Math.abs(b.cpuPercent - 150) < 15, `cpuPercent ${b.cpuPercent}`);

      await rt.stop(id, 1);
      await assert.rejects(
        bed.runtime().stats(id),
        (e: unknown) => e instanceof RuntimeError && e.code === 'conflict' && /not running/.test(e.message),
      );
    });

    it('subscribeStats samples about every interval while subscribed, and stops when closed', async () => {
      const rt = bed.runtime({ CWS_FAKE_CONTAINER_CPU: '25' });
      const id = await rt.createContainer({ image: IMAGE, name: 'ss', cmd: ['sleep', '60'] });
      await rt.start(id);
      const samples: StatsSample[] = [];
      const sub = rt.subscribeStats(id, (s) => samples.push(s));
      await until('three samples', () => (samples.length >= 3 ? true : undefined));
      for (const s of samples) assert.ok(Math.abs(s.cpuPercent - 25) < 6, `cpuPercent ${s.cpuPercent}`);
      // Paced by the interval (300 ms here), not a tight loop: stats calls start about one
      // interval apart. (A sample's time is when the CLI answered, which a loaded
      // machine moves about; the calls' own start times show the pacing.)
      const starts = bed
        .calls()
        .filter((c) => c.args[0] === 'stats' && c.args.includes(id))
        .map((c) => c.time);
      assert.ok(starts.length >= 4, `${starts.length} stats calls`);
      // On average: each start time also holds the fake's own start-up, which varies under load.
      const apart = (starts[starts.length - 1] - starts[0]) / (starts.length - 1);
      assert.ok(apart >= 250, `stats calls ${apart.toFixed(0)} ms apart on average`);
      sub.close();
      await sub.ended;
      const n = bed.calls().filter((c) => c.args[0] === 'stats').length;
      await sleep(1000);
      assert.equal(bed.calls().filter((c) => c.args[0] === 'stats').length, n, 'no stats calls after close');
    });
  });

  describe('logs, wait and close', () => {
    it('logs with tail; follow delivers new lines; closing kills the `logs -f` child', async () => {
      const rt = bed.runtime();
      // "three" waits for the test to say so: on a busy machine a timed pause may end before the
      // first reads.
      const gate = join(bed.dir, 'gate');
      const id = await rt.createContainer({
        image: IMAGE,
        name: 'lg',
        cmd: ['sh', '-c', `echo one; echo two; while [ ! -e '${gate}' ]; do sleep 0.05; done; echo three; sleep 60`],
      });
      await rt.start(id);
      const text = async (o: { tail?: number }) => {
        let out = '';
        await rt.logs(id, o, (c) => {
          out += c.text;
        });
        return out;
      };
      await until('"one" and "two" logged', async () => ((await text({})) === 'one\ntwo\n' ? true : undefined));
      assert.equal(await text({ tail: 1 }), 'two\n');

      const chunks: LogChunk[] = [];
      const sub = await rt.logs(id, { follow: true }, (c) => chunks.push(c));
      writeFileSync(gate, '');
      await until('"three" while following', () =>
        chunks
          .map((c) => c.text)
          .join('')
          .includes('three\n')
          ? true
          : undefined,
      );
      assert.ok(chunks.every((c) => c.stream === 'stdout'));
      const follower = bed.calls().find((c) => c.args[0] === 'logs' && c.args.includes('-f'));
      assert.ok(follower && alive(follower.pid), 'logs -f runs');
      sub.close();
      await sub.ended;
      await until('the logs -f child to be gone', () => (alive(follower.pid) ? undefined : true), 5000);
      assert.deepEqual(bed.running(), []);
    });

    it('wait polls until the container has stopped (only while waiting)', async () => {
      const rt = bed.runtime();
      const id = await rt.createContainer({ image: IMAGE, name: 'w', cmd: ['sh', '-c', 'sleep 0.8; exit 3'] });
      let resolved = false;
      const waiting = rt.wait(id).then((code) => {
        resolved = true;
        return code;
      });
      await sleep(400);
      assert.equal(resolved, false, 'a created container is still waited for');
      await rt.start(id);
      await sleep(200);
      assert.equal(resolved, false, 'still running');
      const code = await waiting;
      // Apple's snapshots do not carry the init exit code: the runtime says "unknown".
      assert.equal(code, -1);
      assert.equal((await rt.inspect(id)).state, 'exited');
      const n = bed.calls().filter((c) => c.args[0] === 'inspect').length;
      await sleep(500);
      assert.equal(bed.calls().filter((c) => c.args[0] === 'inspect').length, n, 'no polling once resolved');

      const ac = new AbortController();
      const other = await rt.createContainer({ image: IMAGE, name: 'w2', cmd: ['sleep', '60'] });
      const cancelled = rt.wait(other, ac.signal);
      ac.abort();
      await assert.rejects(cancelled, isCode('cancelled'));
    });

    it('close() kills every child and timer: follow, stats, events, a hanging call; later calls fail', async () => {
      const rt = bed.runtime();
      const id = await rt.createContainer({ image: IMAGE, name: 'cl', cmd: ['sleep', '60'] });
      await rt.start(id);
      const logs = await rt.logs(id, { follow: true }, () => undefined);
      const events = rt.subscribeEvents(() => undefined);
      const stats = rt.subscribeStats(id, () => undefined);
      const hung = bed.runtime({ CWS_FAKE_CONTAINER_HANG: '1' }, { timeoutMs: 60_000 });
      const hanging = hung.listContainers();
      await sleep(400);
      // The follower and the hung call run (once each fake has started and logged its call).
      await until('logs -f and the hung ls running', () => {
        const live = bed.running().map((c) => c.args[0]);
        return live.includes('logs') && live.includes('ls') ? true : undefined;
      });
      const closed = Promise.all([rt.close(), hung.close()]);
      await Promise.all([logs.ended, events.ended, stats.ended]);
      await assert.rejects(hanging, /closed/);
      await closed;
      assert.deepEqual(bed.running(), [], 'close() resolved once every CLI process had exited');
      const n = bed.calls().length;
      await sleep(1000);
      assert.equal(bed.calls().length, n, 'nothing spawned after close()');
      await assert.rejects(rt.listContainers(), /closed/);
      const late = rt.subscribeEvents(() => undefined);
      await late.ended; // already over: a closed runtime does not poll
      await sleep(500);
      assert.equal(bed.calls().length, n);
    });
  });

  describe('a CLI whose own child keeps the output pipes open', () => {
    it('the call settles soon after the CLI exits, and the grandchild is killed', async () => {
      const rt = bed.runtime({ CWS_FAKE_CONTAINER_GRANDCHILD: '1' });
      const earlier = fakeGrandchildren(bed.dir).length;
      const t0 = Date.now();
      assert.deepEqual(await rt.listContainers(), []);
      assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms (the grandchild sleeps 60 s)`);
      // This test's own grandchild (the log keeps those of the tests before).
      const [grandchild] = fakeGrandchildren(bed.dir).slice(earlier);
      assert.ok(grandchild, 'the fake started a grandchild');
      await until('the grandchild to be gone', () => (alive(grandchild) ? undefined : true), 5000);
      assert.deepEqual(bed.running(), []);
    });

    it('a hanging CLI with such a grandchild: the time-out ends the call and the whole group', async () => {
      const rt = bed.runtime({ CWS_FAKE_CONTAINER_GRANDCHILD: '1', CWS_FAKE_CONTAINER_HANG: '1' }, { timeoutMs: 4000 });
      const earlier = fakeGrandchildren(bed.dir).length;
      const t0 = Date.now();
      await assert.rejects(rt.inspect('web'), isCode('timeout'));
      assert.ok(Date.now() - t0 < 8000, `took ${Date.now() - t0} ms (the time-out is 4 s, the grandchild sleeps 60 s)`);
      // This test's own grandchild: waiting on an earlier test's (gone already) let this one outlive
      // the test and show up, still dying, in the next test's check.
      const [grandchild] = fakeGrandchildren(bed.dir).slice(earlier);
      assert.ok(grandchild, 'the fake started a grandchild');
      await until('the CLI and its grandchild to be gone', () =>
        bed.running().length || alive(grandchild) ? undefined : true,
      );
    });

    it('close() resolves only once every child (and its group) has exited', async () => {
      const rt = bed.runtime({ CWS_FAKE_CONTAINER_GRANDCHILD: '1', CWS_FAKE_CONTAINER_HANG: '1' });
      const calls = [rt.listContainers(), rt.listImages(), rt.inspect('x')].map((p) =>
        p.then(
          () => 'answered',
          (e: unknown) => String(e),
        ),
      );
      const earlier = fakeGrandchildren(bed.dir).length;
      await until('three hung calls', () => (bed.running().length === 3 ? true : undefined));
      await rt.close();
      assert.deepEqual(bed.running(), [], 'no CLI process left when close() resolves');
      for (const outcome of await Promise.all(calls)) assert.match(outcome, /closed/);
      const left = fakeGrandchildren(bed.dir).slice(earlier).filter(alive);
      assert.deepEqual(left, [], 'nor a grandchild');
    });
  });

  describe('fan-out', () => {
    it('one call per container runs at most 4 CLI processes at once', async () => {
      const rt = bed.runtime({ CWS_FAKE_CONTAINER_HANG: '1' }, { timeoutMs: 2000 });
      let most = 0;
      const sampler = setInterval(() => {
        most = Math.max(most, bed.running().length);
      }, 20);
      const t0 = Date.now();
      try {
        const ids = Array.from({ length: 10 }, (_, i) => `c${i}`);
        const results = await Promise.allSettled(ids.map((id) => rt.inspect(id)));
        for (const r of results)
          assert.ok(r.status === 'rejected' && isCode('timeout')(r.reason), String((r as { reason?: unknown }).reason));
      } finally {
        clearInterval(sampler);
      }
      const took = Date.now() - t0;
      assert.ok(most <= 4, `${most} CLI processes at once`);
      assert.ok(took >= 2 * 2000, `10 calls in waves of 4 take three time-outs, not one (took ${took} ms)`);
    });
  });

  describe('images', () => {
    it('pull and build report each output line as progress; the image is then listed', async () => {
      const rt = bed.runtime();
      assert.equal(await rt.imageExists('busybox'), true);
      assert.equal(await rt.imageExists('nginx:1.27'), false);
      const pulled: ProgressEvent[] = [];
      await rt.pullImage('nginx:1.27', (p) => pulled.push(p));
      assert.ok(pulled.length >= 3, `progress lines: ${pulled.length}`);
      assert.ok(pulled.some((p) => /Fetching/.test(p.message)));
      assert.equal(await rt.imageExists('docker.io/library/nginx:1.27'), true);

      const ctx = join(bed.dir, 'ctx');
      mkdirSync(ctx);
      writeFileSync(join(ctx, 'Containerfile'), 'FROM busybox AS base\nRUN echo hi\n');
      const built: ProgressEvent[] = [];
      const imageId = await rt.buildImage(
        { context: ctx, dockerfile: 'Containerfile', tag: 'me/app:dev', target: 'base', buildArgs: { V: '1' } },
        (p) => built.push(p),
      );
      assert.ok(
        built.some((p) => p.message.includes('FROM busybox AS base')),
        built.map((p) => p.message).join('|'),
      );
      const image = (await rt.listImages()).find((i) => i.tags.includes('docker.io/me/app:dev'));
      assert.ok(image, 'built image listed');
      assert.equal(imageId, image.id);
      const build = bed.calls().find((c) => c.args[0] === 'build')!;
      assert.deepEqual(build.args, [
        'build',
        '-t',
        'me/app:dev',
        '-f',
        join(ctx, 'Containerfile'),
        '--target',
        'base',
        '--build-arg',
        'V=1',
        ctx,
      ]);
      await assert.rejects(rt.buildImage({ context: join(bed.dir, 'nope'), tag: 'x' }), isCode('invalidArgument'));
      await assert.rejects(
        rt.buildImage({ context: ctx, tag: 'x', target: 'missing', dockerfile: 'Containerfile' }),
        isCode('internal'),
      );
    });
  });
});
