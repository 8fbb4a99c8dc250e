// The tunnel test image: the busybox test image plus the fake VS Code CLI (test/fakes/code) as
// /usr/local/bin/code. Built once per engine and kept (like the busybox image); rebuilt when the
// fake changes (its hash is a label on the image).
import { createHash } from 'node:crypto';
import { copyFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerRuntime } from '../../src/core/runtime/types';
import { TEST_IMAGE, engineCli, type EngineId } from './engines';
import { repoRoot } from './paths';

export const TUNNEL_IMAGE = 'localhost/cws-test/tunnel:latest';
export const FAKE_CODE = join(repoRoot, 'test/fakes/code');
const HASH_LABEL = 'dev.containerworkspaces.test.fake-code';

function fakeHash(): string {
  return createHash('sha256').update(readFileSync(FAKE_CODE)).digest('hex').slice(0, 16);
}

async function imageHash(engine: EngineId): Promise<string | undefined> {
  const out = await engineCli(engine, [
    'image',
    'inspect',
    '--format',
    `{{ index .Config.Labels "${HASH_LABEL}" }}`,
    TUNNEL_IMAGE,
  ]).catch(() => undefined);
  return out && out !== '<no value>' ? out : undefined;
}

/** Builds TUNNEL_IMAGE from TEST_IMAGE unless it is there and current. Returns its reference. */
export async function ensureTunnelImage(rt: ContainerRuntime, engine: EngineId): Promise<string> {
  const hash = fakeHash();
  if (await rt.imageExists(TUNNEL_IMAGE)) {
    if ((await imageHash(engine)) === hash) return TUNNEL_IMAGE;
    await engineCli(engine, ['rmi', '-f', TUNNEL_IMAGE]).catch(() => undefined);
  }
  const dir = mkdtempSync(join(tmpdir(), 'cws-tunnel-image-'));
  try {
    copyFileSync(FAKE_CODE, join(dir, 'code'));
    chmodSync(join(dir, 'code'), 0o755);
    writeFileSync(
      join(dir, 'Dockerfile'),
      [
        `FROM ${TEST_IMAGE}`,
        // The busybox image is imported, with no config of its own.
        'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        'COPY code /usr/local/bin/code',
        '',
      ].join('\n'),
    );
    await rt.buildImage({ context: dir, tag: TUNNEL_IMAGE, labels: { [HASH_LABEL]: hash } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return TUNNEL_IMAGE;
}
