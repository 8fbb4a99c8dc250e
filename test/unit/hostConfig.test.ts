import * as assert from 'node:assert/strict';
import { gpuRequests, hostConfigOf } from '../../src/core/runtime/docker/hostConfig';
import { RuntimeError } from '../../src/core/runtime/errors';

describe('docker: host options → HostConfig (hostConfig.ts)', () => {
  it('nothing set adds nothing (a plain container is created as before)', () => {
    assert.deepEqual(hostConfigOf(undefined), {});
    assert.deepEqual(hostConfigOf({ capAdd: [], privileged: false, sysctls: {}, tmpfs: {} }), {});
  });

  it('every option lands in its Engine API field', () => {
    assert.deepEqual(
      hostConfigOf({
        capAdd: ['SYS_PTRACE'],
        capDrop: ['NET_RAW'],
        securityOpt: ['seccomp=unconfined'],
        privileged: true,
        init: true,
        extraHosts: ['db:10.0.0.2'],
        shmSize: 2 ** 30,
        memory: 4 * 2 ** 30,
        cpus: 1.5,
        devices: [{ pathOnHost: '/dev/fuse', pathInContainer: '/dev/fuse', cgroupPermissions: 'rwm' }],
        ulimits: [{ name: 'nofile', soft: 1024, hard: 4096 }],
        tmpfs: { '/run': 'size=64m' },
        network: 'host',
        ipc: 'host',
        pid: 'host',
        userns: 'host',
        sysctls: { 'net.ipv4.ip_forward': '1' },
        gpus: 'all',
      }),
      {
        CapAdd: ['SYS_PTRACE'],
        CapDrop: ['NET_RAW'],
        SecurityOpt: ['seccomp=unconfined'],
        Privileged: true,
        Init: true,
        ExtraHosts: ['db:10.0.0.2'],
        ShmSize: 2 ** 30,
        Memory: 4 * 2 ** 30,
        NanoCpus: 1_500_000_000,
        Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
        Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 4096 }],
        Tmpfs: { '/run': 'size=64m' },
        NetworkMode: 'host',
        IpcMode: 'host',
        PidMode: 'host',
        UsernsMode: 'host',
        Sysctls: { 'net.ipv4.ip_forward': '1' },
        DeviceRequests: [{ Driver: '', Capabilities: [['gpu']], Count: -1 }],
      },
    );
  });

  it('--gpus: all, a count, a device list; anything else is refused by value', () => {
    assert.deepEqual(gpuRequests('2'), [{ Driver: '', Capabilities: [['gpu']], Count: 2 }]);
    assert.deepEqual(gpuRequests('"device=0,1"'), [{ Driver: '', Capabilities: [['gpu']], DeviceIDs: ['0', '1'] }]);
    assert.throws(
      () => gpuRequests('lots'),
      (e: unknown) => e instanceof RuntimeError && e.code === 'invalidArgument' && /"lots"/.test(e.message),
    );
  });
});
