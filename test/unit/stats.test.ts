import * as assert from 'node:assert/strict';
import { fromLibpodSamples } from '../../src/core/runtime/docker/podmanStats';
import { toStatsSample } from '../../src/core/runtime/docker/stats';

describe('stats figures as `docker stats` computes them', () => {
  const base = {
    read: '2026-11-25T01:00:01.5Z',
    cpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 40_000_000_000, online_cpus: 2 },
    precpu_stats: { cpu_usage: { total_usage: 1_500_000_000 }, system_cpu_usage: 38_000_000_000 },
    networks: { eth0: { rx_bytes: 100, tx_bytes: 50 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
    blkio_stats: {
      io_service_bytes_recursive: [
        { op: 'Read', value: 4096 },
        { op: 'Write', value: 512 },
        { op: 'read', value: 4 },
        { op: 'Total', value: 9999 },
      ],
    },
    pids_stats: { current: 3 },
  };

  it('CPU % = Δusage / Δsystem × online CPUs × 100', () => {
    const s = toStatsSample('x', { ...base, memory_stats: { usage: 100, limit: 1000 } });
    assert.equal(s.cpuPercent, (0.5e9 / 2e9) * 2 * 100); // 50 %
    assert.equal(s.read, Date.parse('2026-11-25T01:00:01.5Z'));
    assert.deepEqual([s.netRx, s.netTx, s.blockRead, s.blockWrite, s.pids], [101, 52, 4100, 512, 3]);
  });

  it('no CPU figure without a previous sample (one-shot) or with a zero delta', () => {
    assert.equal(
      toStatsSample('x', { ...base, precpu_stats: {}, cpu_stats: { cpu_usage: { total_usage: 5 } } }).cpuPercent,
      0,
    );
    assert.equal(toStatsSample('x', { ...base, precpu_stats: base.cpu_stats }).cpuPercent, 0);
  });

  it('memory excludes the inactive file cache: cgroup v1 total_inactive_file, v2 inactive_file', () => {
    const v1 = toStatsSample('x', {
      ...base,
      memory_stats: { usage: 10_000, limit: 100_000, stats: { total_inactive_file: 4_000, inactive_file: 1 } },
    });
    assert.deepEqual([v1.memoryUsed, v1.memoryPercent], [6_000, 6]);
    const v2 = toStatsSample('x', {
      ...base,
      memory_stats: { usage: 10_000, limit: 100_000, stats: { inactive_file: 2_500 } },
    });
    assert.equal(v2.memoryUsed, 7_500);
    const odd = toStatsSample('x', { ...base, memory_stats: { usage: 10, limit: 0, stats: { inactive_file: 50 } } });
    assert.deepEqual([odd.memoryUsed, odd.memoryPercent], [10, 0]);
  });
});

describe('Podman (libpod) stats', () => {
  const at = (cpuNs: number, wallNs: number) => ({
    ContainerID: 'p',
    CPUNano: cpuNs,
    SystemNano: wallNs,
    MemUsage: 300,
    MemLimit: 1200,
    NetInput: 1,
    NetOutput: 2,
    BlockInput: 3,
    BlockOutput: 4,
    PIDs: 5,
  });

  it('CPU % = Δ CPU time / Δ wall time × 100 (percent of one core)', () => {
    const s = fromLibpodSamples('p', at(1e9, 1_800_000_000_000_000_000), at(1.75e9, 1_800_000_001_000_000_000));
    assert.equal(s.cpuPercent, 75);
    assert.equal(s.read, 1_800_000_001_000);
    assert.deepEqual(
      [s.memoryUsed, s.memoryPercent, s.netRx, s.netTx, s.blockRead, s.blockWrite, s.pids],
      [300, 25, 1, 2, 3, 4, 5],
    );
  });

  it('no time passed or no CPU used is 0 %', () => {
    assert.equal(fromLibpodSamples('p', at(5, 10), at(5, 20)).cpuPercent, 0);
    assert.equal(fromLibpodSamples('p', at(5, 10), at(9, 10)).cpuPercent, 0);
  });
});
