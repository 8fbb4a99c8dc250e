/**
 * A hash of what in a dev container config shapes the container, so a container made from an
 * earlier version of the file is known to be out of date. Left out: what is read again at every
 * start or attach (remoteEnv, postStart / postAttach, waitFor, userEnvProbe), names and
 * positions in the file, and tool settings (customizations, shutdownAction). remoteUser counts:
 * Features are installed for it and updateRemoteUserUID gives it its ids in the image.
 */
import { createHash } from 'node:crypto';
import type { DevcontainerConfig } from '../detection/types';

const NOT_SHAPING = new Set([
  'path',
  'name',
  'range',
  'remoteEnv',
  'postStartCommand',
  'postAttachCommand',
  'waitFor',
  'userEnvProbe',
  'customizations',
  'shutdownAction',
  'hostRequirements',
  'initializeCommand',
]);

/** sha256 hex (first 32) over the config's shaping properties in a stable key order. */
export function configHash(dc: DevcontainerConfig): string {
  const stable = (v: unknown, top: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => stable(x, false));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        if (k === 'range' || (top && NOT_SHAPING.has(k))) continue;
        const x = (v as Record<string, unknown>)[k];
        if (x !== undefined) Object.defineProperty(out, k, { value: stable(x, false), enumerable: true });
      }
      return out;
    }
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(stable(dc, true)))
    .digest('hex')
    .slice(0, 32);
}
