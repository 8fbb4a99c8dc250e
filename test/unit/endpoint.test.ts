import * as assert from 'node:assert/strict';
import { parseHost, resolveDockerEndpoint, resolvePodmanEndpoint } from '../../src/runtime/docker/endpoint';
import { RuntimeError } from '../../src/runtime/errors';

describe('engine endpoint resolution', () => {
  const none = () => false;

  it('parses unix, tcp, https and ssh addresses', () => {
    assert.deepEqual(parseHost('unix:///var/run/docker.sock'), { url: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' });
    assert.deepEqual(parseHost('tcp://10.0.0.5:2375'), { url: 'tcp://10.0.0.5:2375', protocol: 'http', host: '10.0.0.5', port: 2375 });
    assert.equal(parseHost('tcp://myhost').port, 2375);
    assert.equal(parseHost('https://myhost').port, 2376);
    assert.deepEqual(parseHost('ssh://me@build-box:2222'),
      { url: 'ssh://me@build-box:2222', protocol: 'ssh', host: 'build-box', port: 2222, username: 'me' });
    assert.equal(parseHost('npipe:////./pipe/docker_engine').socketPath, '\\\\.\\pipe\\docker_engine');
  });

  it('rejects an address that is not one, with a hint', () => {
    assert.throws(() => parseHost('/var/run/docker.sock'), (e: unknown) =>
      e instanceof RuntimeError && e.code === 'invalidArgument' && /unix:\/\//.test(e.hint ?? ''));
    assert.throws(() => parseHost('ftp://x'), RuntimeError);
  });

  it('Docker: explicit setting beats DOCKER_HOST, which beats the sockets on disk', () => {
    const env = { DOCKER_HOST: 'tcp://envhost:2375' };
    assert.equal(resolveDockerEndpoint('unix:///custom.sock', { env, exists: none }).socketPath, '/custom.sock');
    assert.equal(resolveDockerEndpoint(undefined, { env, exists: none }).host, 'envhost');
    const desktop = '/home/u/.docker/run/docker.sock';
    assert.equal(resolveDockerEndpoint(undefined, { env: {}, home: '/home/u', platform: 'darwin', exists: (p) => p === desktop }).socketPath, desktop);
    assert.equal(resolveDockerEndpoint(undefined, { env: {}, home: '/home/u', platform: 'linux', exists: none }).socketPath, '/var/run/docker.sock');
    assert.equal(resolveDockerEndpoint(undefined, { env: {}, platform: 'win32', exists: none }).url, 'npipe:////./pipe/docker_engine');
  });

  it('Podman: rootless socket first, then rootful, then a Podman machine on macOS', () => {
    const rootless = '/run/user/1000/podman/podman.sock';
    const env = { XDG_RUNTIME_DIR: '/run/user/1000' };
    assert.equal(resolvePodmanEndpoint(undefined, { env, platform: 'linux', exists: (p) => p === rootless }).socketPath, rootless);
    assert.equal(resolvePodmanEndpoint(undefined, { env, platform: 'linux', exists: (p) => p === '/run/podman/podman.sock' }).socketPath, '/run/podman/podman.sock');
    const machine = '/Users/u/.local/share/containers/podman/machine/podman.sock';
    assert.equal(resolvePodmanEndpoint(undefined, { env: {}, home: '/Users/u', platform: 'darwin', exists: (p) => p === machine }).socketPath, machine);
  });
});
