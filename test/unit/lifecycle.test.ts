// The lifecycle hooks without an engine: which run at create, start and attach, in what order
// (Features' commands first), where waitFor lets the tool go on, and how a failure stops the rest.
import * as assert from 'node:assert/strict';
import type { LifecycleCommand } from '../../src/core/detection/types';
import { RuntimeError } from '../../src/core/runtime/errors';
import {
  commandEntries,
  configHooks,
  LifecycleError,
  mapCommand,
  planInitialize,
  planLifecycle,
  runLifecycle,
  type HookInputs,
  type LifecycleExec,
} from '../../src/core/workspace/lifecycle';

/** A fake exec: records each argv (with who asked), answers with the exit code `codes` gives it. */
function fakeExec(codes: (argv: string[]) => number | Promise<number> = () => 0) {
  const calls: string[] = [];
  const exec: LifecycleExec = async (argv, ctx) => {
    calls.push(`${ctx.hook}${ctx.name ? `[${ctx.name}]` : ''} ${ctx.source}: ${argv.join(' ')}`);
    return { exitCode: await codes(argv) };
  };
  return { exec, calls };
}

const every: Record<string, LifecycleCommand> = {
  onCreateCommand: 'echo create',
  updateContentCommand: ['npm', 'ci'],
  postCreateCommand: { deps: 'pip install -r r.txt', hooks: ['pre-commit', 'install'] },
  postStartCommand: 'echo start',
  postAttachCommand: 'echo attach',
};

describe('lifecycle hooks (lifecycle.ts)', () => {
  it('forms: a string runs in /bin/sh -c, an array as its own argv, an object each entry named; empty ones left out', () => {
    assert.deepEqual(commandEntries('npm ci && npm test'), [{ argv: ['/bin/sh', '-c', 'npm ci && npm test'] }]);
    assert.deepEqual(commandEntries(['echo', "it's $HOME"]), [{ argv: ['echo', "it's $HOME"] }]);
    assert.deepEqual(commandEntries({ a: 'make', b: ['ls', '-l'], empty: '  ', none: [] }), [
      { name: 'a', argv: ['/bin/sh', '-c', 'make'] },
      { name: 'b', argv: ['ls', '-l'] },
    ]);
    assert.deepEqual(
      [commandEntries(''), commandEntries([]), commandEntries(undefined), commandEntries({})],
      [[], [], [], []],
    );
  });

  it('create runs onCreate, updateContent, postCreate, postStart (postAttach only when attaching); start runs postStart; attach postAttach', () => {
    const inputs = configHooks(every);
    const hooks = (p: ReturnType<typeof planLifecycle>) => p.steps.map((s) => s.hook);
    assert.deepEqual(hooks(planLifecycle('create', inputs)), [
      'onCreateCommand',
      'updateContentCommand',
      'postCreateCommand',
      'postStartCommand',
    ]);
    assert.deepEqual(hooks(planLifecycle('create', inputs, { attach: true })).at(-1), 'postAttachCommand');
    assert.deepEqual(hooks(planLifecycle('start', inputs)), ['postStartCommand']);
    assert.deepEqual(hooks(planLifecycle('start', inputs, { attach: true })), [
      'postStartCommand',
      'postAttachCommand',
    ]);
    assert.deepEqual(hooks(planLifecycle('attach', inputs)), ['postAttachCommand']);
  });

  it("each hook runs the Features' commands first (in install order), then the config's", async () => {
    const inputs: HookInputs = {
      postCreateCommand: [
        { source: 'devcontainer.json', command: 'echo mine' },
        { source: 'feature ghcr.io/devcontainers/features/node:1', command: 'echo node' },
        { source: 'feature ./local', command: ['echo', 'local'] },
      ],
      onCreateCommand: [{ source: 'feature ./local', command: 'echo local-create' }],
    };
    const { exec, calls } = fakeExec();
    await runLifecycle(planLifecycle('create', inputs), exec);
    assert.deepEqual(calls, [
      'onCreateCommand feature ./local: /bin/sh -c echo local-create',
      'postCreateCommand feature ghcr.io/devcontainers/features/node:1: /bin/sh -c echo node',
      'postCreateCommand feature ./local: echo local',
      'postCreateCommand devcontainer.json: /bin/sh -c echo mine',
    ]);
  });

  it('the entries of an object run together: all start before any ends', async () => {
    let running = 0;
    let most = 0;
    const exec: LifecycleExec = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return { exitCode: 0 };
    };
    const r = await runLifecycle(
      planLifecycle('create', configHooks({ postCreateCommand: { a: 'x', b: 'y', c: 'z' } })),
      exec,
    );
    assert.equal(most, 3);
    assert.deepEqual(
      r.ran.map((x) => x.name),
      ['a', 'b', 'c'],
    );
  });

  it('a failing command stops the sequence: the error names the hook, the entry, its source and the exit code, and what was not run', async () => {
    const { exec, calls } = fakeExec((argv) => (argv.includes('install') ? 3 : 0));
    const lines: string[] = [];
    const err = await runLifecycle(planLifecycle('create', configHooks(every), { attach: true }), exec, {
      onOutput: (l) => lines.push(l),
    }).catch((e: unknown) => e);
    assert.ok(err instanceof LifecycleError);
    assert.equal(err.message, 'postCreateCommand "hooks" (from devcontainer.json) failed with exit code 3.');
    assert.deepEqual(
      [err.hook, err.entry, err.exitCode, err.skipped],
      ['postCreateCommand', 'hooks', 3, ['postStartCommand', 'postAttachCommand']],
    );
    assert.match(err.hint ?? '', /Not run after it: postStartCommand, postAttachCommand/);
    // Its parallel sibling ran to its end; nothing after the step ran.
    assert.deepEqual(calls.slice(2), [
      'postCreateCommand[deps] devcontainer.json: /bin/sh -c pip install -r r.txt',
      'postCreateCommand[hooks] devcontainer.json: pre-commit install',
    ]);
    assert.equal(lines.at(-1), err.message);
  });

  it("a Feature's failing command stops the config's own command of the same hook too; an exec that throws is a failure naming it", async () => {
    const inputs: HookInputs = {
      postStartCommand: [
        { source: 'feature ./docker', command: 'dockerd &' },
        { source: 'devcontainer.json', command: 'echo after' },
      ],
    };
    const { exec, calls } = fakeExec(() => 127);
    const err = await runLifecycle(planLifecycle('start', inputs), exec).catch((e: unknown) => e);
    assert.ok(err instanceof LifecycleError);
    assert.equal(err.message, 'postStartCommand (from feature ./docker) failed with exit code 127.');
    assert.deepEqual(err.skipped, ['postStartCommand']);
    assert.equal(calls.length, 1);

    const broken: LifecycleExec = () => Promise.reject(new Error('no such container\nstack…'));
    const thrown = await runLifecycle(planLifecycle('attach', configHooks(every)), broken).catch((e: unknown) => e);
    assert.ok(thrown instanceof LifecycleError);
    assert.equal(thrown.message, 'postAttachCommand (from devcontainer.json) could not be run: no such container.');
  });

  it('waitFor: ready after updateContentCommand by default, after the hook named, before postStart on a restart', async () => {
    const order = async (plan: ReturnType<typeof planLifecycle>) => {
      const seen: string[] = [];
      await runLifecycle(plan, (_a, ctx) => (seen.push(ctx.hook), Promise.resolve({ exitCode: 0 })), {
        onReady: () => seen.push('READY'),
      });
      return seen;
    };
    const inputs = configHooks(every);
    assert.deepEqual(await order(planLifecycle('create', inputs)), [
      'onCreateCommand',
      'updateContentCommand',
      'READY',
      'postCreateCommand',
      'postCreateCommand',
      'postStartCommand',
    ]);
    assert.deepEqual((await order(planLifecycle('create', inputs, { waitFor: 'onCreateCommand' })))[1], 'READY');
    assert.deepEqual((await order(planLifecycle('create', inputs, { waitFor: 'initializeCommand' })))[0], 'READY');
    assert.deepEqual((await order(planLifecycle('create', inputs, { waitFor: 'postStartCommand' }))).at(-1), 'READY');
    assert.deepEqual(await order(planLifecycle('start', inputs)), ['READY', 'postStartCommand']);
    assert.deepEqual(await order(planLifecycle('create', {})), ['READY'], 'nothing to run: ready at once');
  });

  it('a failure before the waitFor point never reports ready', async () => {
    let ready = false;
    await assert.rejects(
      runLifecycle(planLifecycle('create', configHooks(every)), () => Promise.resolve({ exitCode: 1 }), {
        onReady: () => (ready = true),
      }),
      LifecycleError,
    );
    assert.equal(ready, false);
  });

  it('cancel: the run ends at once with a cancelled error, and no later step starts', async () => {
    const ac = new AbortController();
    const { exec, calls } = fakeExec(() => new Promise<number>(() => ac.abort()));
    const err = await runLifecycle(planLifecycle('create', configHooks(every)), exec, { signal: ac.signal }).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof RuntimeError);
    assert.equal(err.code, 'cancelled');
    assert.equal(calls.length, 1);
  });

  it('initializeCommand runs on the host: /bin/sh -c, or cmd.exe /c on Windows; an object runs in parallel', () => {
    assert.deepEqual(planInitialize('make init', 'linux').steps[0].entries, [{ argv: ['/bin/sh', '-c', 'make init'] }]);
    assert.deepEqual(planInitialize('make init', 'win32').steps[0].entries, [{ argv: ['cmd.exe', '/c', 'make init'] }]);
    assert.deepEqual(
      planInitialize({ a: ['git', 'pull'], b: 'echo b' }, 'darwin').steps[0].entries.map((e) => e.name),
      ['a', 'b'],
    );
    assert.deepEqual(planInitialize(undefined).steps, []);
  });

  it('bounded: an object of more than 64 entries is refused with the hook named; substitution keeps the form', () => {
    const huge = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'true']));
    assert.throws(
      () => planLifecycle('create', configHooks({ onCreateCommand: huge })),
      /"onCreateCommand" has more than 64/,
    );
    assert.deepEqual(
      mapCommand({ a: 'echo ${X}', b: ['echo', '${X}'] }, (s) => s.replace('${X}', 'x')),
      { a: 'echo x', b: ['echo', 'x'] },
    );
  });
});
