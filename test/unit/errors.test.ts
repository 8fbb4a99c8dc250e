import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { RuntimeError, fromEngineError, startHint } from '../../src/core/runtime/errors';
import { normalizeState, toSummaries, toSummary } from '../../src/core/runtime/docker/normalize';

describe('engine errors become actionable messages', () => {
  it('a refused or missing socket is "unavailable" with how to start the runtime', () => {
    for (const code of ['ECONNREFUSED', 'ENOENT']) {
      const e = fromEngineError(Object.assign(new Error('connect'), { code }), 'docker', 'unix:///var/run/docker.sock');
      assert.equal(e.code, 'unavailable');
      assert.equal(e.message, 'Docker is not running (unix:///var/run/docker.sock).');
      assert.equal(e.hint, startHint('docker'));
    }
    assert.match(startHint('podman', 'darwin'), /podman machine start/);
    assert.match(startHint('docker', 'darwin'), /Docker Desktop/);
  });

  it("engine status codes map to typed codes with the engine's first line", () => {
    const e404 = fromEngineError({ statusCode: 404, json: { message: 'No such container: abc\nmore' } }, 'podman', 'x');
    assert.deepEqual([e404.code, e404.message], ['notFound', 'No such container: abc']);
    assert.equal(
      fromEngineError({ statusCode: 409, json: { message: 'name in use' } }, 'docker', 'x').code,
      'conflict',
    );
    assert.equal(
      fromEngineError(
        { statusCode: 500, json: { message: 'the container name "x" is already in use by f70f' } },
        'podman',
        'x',
      ).code,
      'conflict',
    );
    assert.equal(
      fromEngineError(
        {
          statusCode: 500,
          json: {
            message:
              'cannot remove container 12d3 as it is running - running or paused containers cannot be removed without force: container state improper',
          },
        },
        'podman',
        'x',
      ).code,
      'conflict',
    );
    assert.equal(fromEngineError({ code: 'EACCES' }, 'docker', 'x').code, 'permission');
    assert.equal(fromEngineError({ statusCode: 500, json: { message: 'boom' } }, 'docker', 'x').code, 'internal');
  });
});

describe('a RuntimeError made by another bundle', () => {
  // dist/extension.js and dist/background.js each carry their own copy of errors.ts: a second copy
  // of the module stands for the other bundle.
  const load = createRequire(__filename);
  const path = load.resolve('../../src/core/runtime/errors');
  const otherCopy = (): typeof import('../../src/core/runtime/errors') => {
    const saved = load.cache[path];
    delete load.cache[path];
    try {
      return load(path) as typeof import('../../src/core/runtime/errors');
    } finally {
      load.cache[path] = saved;
    }
  };

  it('is still a RuntimeError here, with its code and hint, so its message is shown as such', () => {
    const other = otherCopy();
    assert.notEqual(other.RuntimeError, RuntimeError, 'a second copy of the class');
    const e = new other.RuntimeError('conflict', 'The name is taken.', 'Choose another name.');
    assert.ok(e instanceof RuntimeError);
    assert.ok(new RuntimeError('cancelled', 'x') instanceof other.RuntimeError);
    assert.equal(e.hint, 'Choose another name.');
  });

  it('a subclass is still told apart by its prototype; anything else is no RuntimeError', () => {
    class Narrow extends RuntimeError {}
    assert.ok(new Narrow('internal', 'x') instanceof RuntimeError);
    assert.ok(!(new RuntimeError('internal', 'x') instanceof Narrow));
    const others: unknown[] = [new Error('x'), { code: 'internal', message: 'x' }, null, undefined, 'RuntimeError', 1];
    for (const [i, v] of others.entries()) assert.ok(!(v instanceof RuntimeError), `value ${i}`);
  });
});

describe('container list normalisation', () => {
  it('Podman states read as Docker states', () => {
    assert.equal(normalizeState('configured'), 'created');
    assert.equal(normalizeState('stopped'), 'exited');
    assert.equal(normalizeState('stopping'), 'running');
    assert.equal(normalizeState('Running'), 'running');
    assert.equal(normalizeState('weird'), 'unknown');
  });

  it('names lose the slash, ports and Compose labels are kept, created is in ms', () => {
    const s = toSummary({
      Id: 'abc123',
      Names: ['/web-1'],
      Image: 'nginx',
      ImageID: 'sha',
      Command: '',
      Created: 1700000000,
      State: 'running',
      Status: 'Up 2 minutes',
      Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }],
      Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
      HostConfig: { NetworkMode: 'bridge' },
      NetworkSettings: { Networks: {} },
      Mounts: [],
    });
    assert.equal(s.name, 'web-1');
    assert.equal(s.created, 1700000000000);
    assert.deepEqual(s.ports, [{ containerPort: 80, hostPort: 8080, hostIp: '0.0.0.0', protocol: 'tcp' }]);
    assert.deepEqual([s.composeProject, s.composeService], ['shop', 'web']);
  });
});

describe('engine documents of the wrong shape', () => {
  it('a list entry whose field has another type is a RuntimeError naming the engine, path and field', () => {
    const origin = { label: 'Podman', path: '/containers/json' };
    assert.throws(
      () => toSummaries([{ Id: 'a', Names: '/x' }], origin),
      (e: unknown) =>
        e instanceof RuntimeError && /^Podman answered \/containers\/json with a container whose Names/.test(e.message),
    );
    assert.throws(() => toSummaries({}, origin), /something that is not a container list/);
    assert.equal(toSummaries([{ Id: 'a', Ports: null, Labels: null }], origin)[0].name, 'a');
  });

  it('an engine message that is not a string, or that carries escapes, is still one clear line', () => {
    const e = fromEngineError({ statusCode: 500, json: { message: 7 } }, 'docker', 'x');
    assert.equal(e.code, 'internal');
    const esc = fromEngineError({ statusCode: 404, json: { message: 'no \u001b[31mred\nsecond' } }, 'docker', 'x');
    assert.equal(esc.message, 'no \\x1b[31mred');
    assert.equal(
      fromEngineError({ code: 'HPE_INVALID_CONSTANT' }, 'docker', 'x').message,
      'Docker sent an answer that is not valid HTTP (x).',
    );
    assert.equal(fromEngineError(null, 'docker', 'x').code, 'internal');
  });
});
