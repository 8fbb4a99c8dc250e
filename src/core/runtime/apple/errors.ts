/** Maps failures of Apple's `container` CLI (its stderr text and exit code) to RuntimeErrors. */
import { RuntimeError } from '../errors';

export const APPLE_START_HINT = 'Start the container service: run `container system start`.';
export const APPLE_INSTALL_HINT =
  "Install Apple's `container` tool (github.com/apple/container/releases, macOS 26 on Apple silicon), " +
  'or give its path.';

/** The CLI prints "Error: <message>" on stderr; usage errors exit 64. */
export const USAGE_EXIT_CODE = 64;

/** The service is down: the XPC connection to the API server fails, or status says so. */
const SERVICE_DOWN = [
  /XPC connection error/i,
  /Connection invalid/i,
  /Ensure container system service has been started/i,
  /apiserver is not running/i,
];

/** Not-found texts differ per command (inspect / exec+start / stop+kill+rm / stats). */
const NOT_FOUND: RegExp[] = [
  /container not found: (\S+)/i,
  /get failed: container (\S+) not found/i,
  /container with ID (\S+?)"? not found/i,
  /no such container: (\S+)/i,
];

/** The first "Error: …" line of stderr without the prefix (else the first non-empty line). */
export function cliMessage(stderr: string, stdout = ''): string {
  const lines = `${stderr}\n${stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const err = lines.find((l) => l.startsWith('Error:'));
  return (err ?? lines[0] ?? '').replace(/^Error:\s*/, '').trim();
}

/** Whether stderr holds one of the CLI's own errors (not output of a process run by exec). */
export function isCliError(stderr: string): boolean {
  const text = stderr.trim();
  if (!text) return false;
  return (
    SERVICE_DOWN.some((re) => re.test(text)) ||
    NOT_FOUND.some((re) => re.test(text)) ||
    /^Error: container \S+ is not running/m.test(text)
  );
}

export function serviceDown(cause?: unknown): RuntimeError {
  return new RuntimeError(
    'unavailable',
    'Apple Containers is not running (the container system service is stopped).',
    APPLE_START_HINT,
    { cause },
  );
}

/** A failed CLI call → RuntimeError. `what` names the operation for messages ("start web"). */
export function fromCliFailure(
  r: { stdout: string; stderr: string; exitCode: number | null },
  what: string,
): RuntimeError {
  const text = `${r.stderr}\n${r.stdout}`;
  const message = cliMessage(r.stderr, r.stdout) || `container ${what} failed (exit code ${r.exitCode ?? 'none'}).`;
  const cause = { stderr: r.stderr.slice(0, 2000), exitCode: r.exitCode };
  if (SERVICE_DOWN.some((re) => re.test(text))) return serviceDown(cause);
  for (const re of NOT_FOUND) {
    const m = re.exec(text);
    if (m)
      return new RuntimeError('notFound', `No such container: ${m[1].replace(/["']/g, '')}.`, undefined, { cause });
  }
  let m = /container (\S+) is not running/i.exec(text);
  if (m) return new RuntimeError('conflict', `Container ${m[1]} is not running; start it first.`, undefined, { cause });
  m = /container (\S+) is (?:running|not yet stopped) and can not be deleted/i.exec(text);
  if (m)
    return new RuntimeError(
      'conflict',
      `Container ${m[1]} is running: stop it first, or remove it with force.`,
      undefined,
      { cause },
    );
  if (/already exists|exists:|\bin use\b|being used/i.test(text))
    return new RuntimeError('conflict', message, undefined, { cause });
  if (/not ?found|notFound/i.test(text)) return new RuntimeError('notFound', message, undefined, { cause });
  if (/permission denied|not permitted|operation not permitted/i.test(text))
    return new RuntimeError('permission', message, undefined, { cause });
  if (r.exitCode === USAGE_EXIT_CODE) return new RuntimeError('invalidArgument', message, undefined, { cause });
  return new RuntimeError('internal', message, undefined, { cause });
}

/** spawn itself failed (no such file, no permission). */
export function fromSpawnError(err: NodeJS.ErrnoException, cliPath: string): RuntimeError {
  switch (err.code) {
    case 'ENOENT':
      return new RuntimeError('unavailable', `Apple's container CLI was not found (${cliPath}).`, APPLE_INSTALL_HINT, {
        cause: err,
      });
    case 'EACCES':
    case 'EPERM':
      return new RuntimeError('permission', `No permission to run ${cliPath}.`, undefined, { cause: err });
    default:
      return new RuntimeError('internal', `Could not run ${cliPath}: ${err.message}`, undefined, { cause: err });
  }
}
