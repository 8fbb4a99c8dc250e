import type { RuntimeId } from './types';
import { RUNTIME_LABELS } from './types';

/** `cancelled`: the caller aborted (an AbortSignal, a Cancel button); shown to nobody. */
export type RuntimeErrorCode =
  'unavailable' | 'notFound' | 'conflict' | 'permission' | 'timeout' | 'cancelled' | 'invalidArgument' | 'internal';

/** A runtime failure a user can act on: a code, a one-line message and a hint. */
export class RuntimeError extends Error {
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RuntimeError';
  }
}

/** How to get a runtime going, per platform; shown in the status bar, the view and `cws`. */
export function startHint(runtime: RuntimeId, platform: NodeJS.Platform = process.platform): string {
  switch (runtime) {
    case 'docker':
      if (platform === 'linux')
        return 'Start the Docker daemon (e.g. `sudo systemctl start docker`), or switch to another runtime.';
      return 'Start Docker Desktop (or Colima / Rancher Desktop), or switch to another runtime.';
    case 'podman':
      if (platform === 'linux')
        return (
          "Start Podman's API socket: `systemctl --user start podman.socket` " +
          '(or `podman system service --time=0`).'
        );
      return 'Start the Podman machine: `podman machine start`.';
    case 'apple':
      return 'Start the container service: `container system start`.';
  }
}

interface NodeLikeError {
  code?: string;
  statusCode?: number;
  reason?: string;
  json?: { message?: string } | null;
  message?: string;
}

/** Maps a dockerode / socket error to a RuntimeError. */
export function fromEngineError(err: unknown, runtime: RuntimeId, endpoint: string): RuntimeError {
  if (err instanceof RuntimeError) return err;
  const e = (err ?? {}) as NodeLikeError;
  const label = RUNTIME_LABELS[runtime];
  const engineMessage = e.json?.message ?? e.reason ?? e.message ?? String(err);
  switch (e.code) {
    case 'ENOENT':
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'EHOSTUNREACH':
    case 'ENOTFOUND':
      return new RuntimeError('unavailable', `${label} is not running (${endpoint}).`, startHint(runtime), {
        cause: err,
      });
    case 'EACCES':
    case 'EPERM':
      return new RuntimeError(
        'permission',
        `No permission to use ${endpoint}.`,
        runtime === 'docker'
          ? 'Add your user to the `docker` group and log in again, or use rootless Docker.'
          : undefined,
        { cause: err },
      );
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return new RuntimeError('timeout', `${label} did not answer in time (${endpoint}).`, startHint(runtime), {
        cause: err,
      });
    case 'ABORT_ERR':
      return new RuntimeError('cancelled', `${label} request was cancelled.`, undefined, { cause: err });
  }
  switch (e.statusCode) {
    case 404:
      return new RuntimeError('notFound', firstLine(engineMessage), undefined, { cause: err });
    case 409:
      return new RuntimeError('conflict', firstLine(engineMessage), undefined, { cause: err });
    case 400:
      return new RuntimeError('invalidArgument', firstLine(engineMessage), undefined, { cause: err });
    case 401:
    case 403:
      return new RuntimeError('permission', firstLine(engineMessage), undefined, { cause: err });
  }
  // Podman answers some conflicts with 500 rather than 409.
  if (/already in use|is in use by|state improper/i.test(engineMessage)) {
    return new RuntimeError('conflict', firstLine(engineMessage), undefined, { cause: err });
  }
  return new RuntimeError('internal', firstLine(engineMessage), undefined, { cause: err });
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}
