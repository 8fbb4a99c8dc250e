#!/usr/bin/env node
// cws — Container Workspaces' companion CLI. Same runtime layer as the extension, JSON on request.
// Exit codes: 0 ok, 1 runtime error (message and hint on stderr), 2 usage; `exec` exits with the
// command's own code.
import { RuntimeError } from '../core/runtime/errors';
import { createRuntime, resolveRuntimeId, runtimeChoice, type SelectionInput } from '../core/runtime/select';
import type { ContainerRuntime } from '../core/runtime/types';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { context } from './commands/context';
import { create } from './commands/create';
import { exec } from './commands/exec';
import { inspect } from './commands/inspect';
import { restart, rm, start, stop } from './commands/lifecycle';
import { logs } from './commands/logs';
import { ls } from './commands/ls';
import { runtimes } from './commands/runtimes';
import { stats } from './commands/stats';
import { tunnel } from './commands/tunnel';
import type { CliCommand, CliContext } from './context';

const USAGE = `Usage: cws <command> [options]

Commands:
  runtimes                     Which runtimes answer here, and which one cws uses
  context [DIR]                The container files detected in DIR: Compose, Dockerfiles,
                               dev containers, Kubernetes, and problems in them
  create [DIR] [--source devcontainer|dockerfile|compose|image] [--image REF] [--no-post-create]
                               Create (or start and reuse) DIR's workspace container
  ls [--all]                   List containers (running only unless --all)
  inspect ID... [--raw]        Details as JSON (--raw adds the engine's own document)
  stats [ID...]                One stats snapshot (default: every running container)
  logs ID [-f] [-n N] [-t]     Print logs; -f follows, -n tails N lines, -t adds timestamps
  exec ID|--workspace DIR [-w DIR] [-u USER] -- CMD [ARG...]
                               Run a command in a container, or in DIR's workspace container
                               (TTY when attached to one); with --runtime host, in DIR here
  tunnel start ID [--name NAME] [-u USER] [-w DIR]
                               Run \`code tunnel\` in a container, detached; prints the login
                               code and the vscode.dev address as they come
  tunnel status ID [--json]    Whether a tunnel runs there, its address or pending login
  tunnel stop ID               End it
  start|stop|restart ID... [-t SECONDS]
  rm ID... [--force] [--volumes]

Options:
  --json            Machine-readable output (the normalised shape)
  --runtime NAME    auto | docker | podman | apple (default: CONTAINER_RUNTIME, else auto)
  -h, --help        Show this help

Exit codes: 0 ok, 1 runtime error, 2 usage; exec exits with the command's own code.`;

const COMMANDS: Record<string, CliCommand> = {
  ls,
  ps: ls,
  inspect,
  stats,
  logs,
  exec,
  start,
  stop,
  restart,
  rm,
  tunnel,
  create,
};
const VALUED = new Set([
  'runtime',
  'n',
  'tail',
  't',
  'time',
  'w',
  'workdir',
  'u',
  'user',
  'name',
  'source',
  'image',
  'workspace',
]);

export async function main(
  argv: string[],
  out = (s: string) => process.stdout.write(s + '\n'),
  err = (s: string) => process.stderr.write(s + '\n'),
): Promise<number> {
  const parsed = parseCommandLine(argv, out, err);
  if (typeof parsed === 'number') return parsed;
  const { args, name, command } = parsed;
  const runtimeFlag = args.flags.get('runtime');
  const input: SelectionInput = {
    setting: typeof runtimeFlag === 'string' ? runtimeFlag : undefined,
    settingSource: '--runtime',
  };
  let rt: ContainerRuntime | undefined;
  let isHost = false;
  try {
    isHost = runtimeChoice(input) === 'host';
  } catch {
    /* reported when the runtime is asked for */
  }
  const ctx: CliContext = {
    args,
    out,
    err,
    isHost,
    runtime: async () => (rt ??= createRuntime(await resolveRuntimeId(input), input)),
  };
  try {
    if (command) await command(ctx);
    else if (name === 'context') await context(ctx);
    else await runtimes(ctx, input);
    return ctx.exitCode ?? 0;
  } catch (e) {
    return reportFailure(e, rt !== undefined, err);
  } finally {
    rt?.close();
  }
}

/**
 * The arguments and the command they name, or the exit code when there is nothing to run: 0 after
 * --help, 2 (with the usage on stderr) for bad arguments or an unknown command. `runtimes` and
 * `context` have no CliCommand (they take other arguments): command is undefined for them.
 */
function parseCommandLine(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
): number | { args: ParsedArgs; name: string; command?: CliCommand } {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, VALUED);
  } catch (e) {
    err(`cws: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [name] = args.positionals;
  if (args.flags.has('help') || args.flags.has('h')) {
    out(USAGE);
    return 0;
  }
  if (!name) {
    err(USAGE);
    return 2;
  }
  const special = name === 'runtimes' || name === 'context';
  const command = special ? undefined : COMMANDS[name];
  if (!command && !special) {
    err(`cws: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return { args, name, command };
}

/**
 * A failed command on stderr, and its exit code: 2 for usage (and for an invalid argument found
 * before any runtime was made), 1 otherwise.
 */
function reportFailure(e: unknown, hadRuntime: boolean, err: (s: string) => void): number {
  if (e instanceof UsageError) {
    err(`cws: ${e.message}`);
    return 2;
  }
  if (e instanceof RuntimeError) {
    err(`cws: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`);
    return e.code === 'invalidArgument' && !hadRuntime ? 2 : 1;
  }
  err(`cws: ${(e as Error).stack ?? String(e)}`);
  return 1;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
