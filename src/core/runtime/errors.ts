import type { RuntimeId } from './types';
import { RUNTIME_LABELS } from './types';
import { escapeControl } from '../text/escapeControl';

/** `cancelled`: the caller aborted (an AbortSignal, a Cancel button); shown to nobody. */
export type RuntimeErrorCode =
  'unavailable' | 'notFound' | 'conflict' | 'permission' | 'timeout' | 'cancelled' | 'invalidArgument' | 'internal';

/**
 * Marks a RuntimeError made by any copy of this module. The extension is several bundles
 * (dist/extension.js, and dist/background.js loaded later), each with its own copy of this class:
 * a failure thrown in one must still be a RuntimeError to the other, or its hint is lost and a
 * cancellation is shown as an "unexpected error".
 */
const BRAND = Symbol.for('containerWorkspaces.RuntimeError');

/** A runtime failure a user can act on: a code, a one-line message and a hint. */
export class RuntimeError extends Error {
  readonly [BRAND] = true;

  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RuntimeError';
  }

  /** `instanceof RuntimeError` holds across bundles; a subclass is still checked by its prototype. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== RuntimeError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
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
export function fromEngineError(err: unknown, runtime: RuntimeId, rawEndpoint: string): RuntimeError {
  if (err instanceof RuntimeError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as NodeLikeError;
  // The address as the user gave it may be long or hold control characters.
  const endpoint = escapeControl(rawEndpoint, { maxLength: 120 });
  const label = RUNTIME_LABELS[runtime];
  // Whatever the engine put in its message is text from outside: only strings, shortened, with
  // terminal control characters made visible.
  const engineMessage = shortText(
    [e.json?.message, e.reason, e.message].find((m): m is string => typeof m === 'string' && m !== '') ?? String(err),
  );
  if (typeof e.code === 'string' && e.code.startsWith('HPE_')) {
    // Node's HTTP parser refused the answer: garbage, a broken chunked encoding, another protocol.
    return new RuntimeError(
      'internal',
      `${label} sent an answer that is not valid HTTP (${endpoint}).`,
      'Check that the address is a Docker Engine API endpoint and not another service.',
      { cause: err },
    );
  }
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
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new RuntimeError(
        'permission',
        `${label} at ${endpoint} presented a certificate that could not be verified (${e.code}).`,
        "Give the CA that signed it (DOCKER_CERT_PATH/ca.pem, or the context's TLS files); only for an engine you " +
          'trust, turn verification off for that one host with the `containerWorkspaces.docker.insecureHosts` setting.',
        { cause: err },
      );
    case 'ABORT_ERR':
      return new RuntimeError('cancelled', `${label} request was cancelled.`, undefined, { cause: err });
  }
  switch (e.statusCode) {
    case 404:
      return new RuntimeError('notFound', engineMessage, undefined, { cause: err });
    case 409:
      return new RuntimeError('conflict', engineMessage, undefined, { cause: err });
    case 400:
      return new RuntimeError('invalidArgument', engineMessage, undefined, { cause: err });
    case 401:
    case 403:
      return new RuntimeError('permission', engineMessage, undefined, { cause: err });
  }
  if (typeof e.statusCode === 'number' && typeof e.json?.message !== 'string') {
    // An error answer without the engine's JSON message: a proxy's page, a crash, another service.
    return new RuntimeError('internal', `${label} answered with ${engineMessage} (${endpoint}).`, undefined, {
      cause: err,
    });
  }
  // Podman answers some conflicts with 500 rather than 409.
  if (/already in use|is in use by|state improper/i.test(engineMessage)) {
    return new RuntimeError('conflict', engineMessage, undefined, { cause: err });
  }
  return new RuntimeError('internal', engineMessage, undefined, { cause: err });
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

/** An engine's message as one line of at most 300 characters, control characters made visible. */
function shortText(s: string): string {
  return escapeControl(firstLine(s), { maxLength: 300 });
}
