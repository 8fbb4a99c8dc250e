#!/usr/bin/env node
// cws — Container Workspaces' companion CLI. Same runtime layer as the extension, JSON on request.
// Exit codes: 0 ok, 1 runtime error (message and hint on stderr), 2 usage; `exec` exits with the
// command's own code.
import { RuntimeError } from '../core/runtime/errors';
import { escapeControl } from '../core/text/escapeControl';
import { createRuntime, resolveRuntimeId, runtimeChoice, type SelectionInput } from '../core/runtime/select';
import type { ContainerRuntime } from '../core/runtime/types';
import { parseArgs, shown, UsageError, type FlagSpec, type ParsedArgs } from './args';
import { context } from './commands/context';
import { create } from './commands/create';
import { exec } from './commands/exec';
import { forward } from './commands/forward';
import { images } from './commands/images';
import { inspect } from './commands/inspect';
import { restart, rm, start, stop } from './commands/lifecycle';
import { logs } from './commands/logs';
import { networks } from './commands/networks';
import { prune, system } from './commands/prune';
import { ls } from './commands/ls';
import { runtimes } from './commands/runtimes';
import { stats } from './commands/stats';
import { tunnel } from './commands/tunnel';
import { volumes } from './commands/volumes';
import type { CliCommand, CliContext } from './context';
import { safe } from './format';

const USAGE = `Usage: cws <command> [options]

Commands:
  runtimes                     Which runtimes answer here, and which one cws uses
  context [DIR]                The container files detected in DIR: Compose, Dockerfiles,
                               dev containers, Kubernetes, and problems in them
  create [DIR] [--source devcontainer|dockerfile|compose|image] [--image REF] [--no-hooks] [--rebuild]
         [--forward all|none|git-identity,git-credentials,ssh-agent,gpg]
  create --repo URL [--ref REF] [--image REF] [--clone-image IMAGE] [--clone-network NET] [--forward LIST]
                               The repository cloned into a volume (the same URL reuses it), and
                               a workspace container made from its dev container config
                               Create (or start and reuse) DIR's workspace container, its
                               Features installed and lifecycle hooks run; --rebuild makes it anew;
                               it borrows this machine's git and SSH credentials (default all)
  forward [DIR] [--forward LIST]
                               Serve DIR's workspace container this machine's git identity and
                               credentials, SSH and GPG agents until Ctrl-C (exec serves them too)
  ls [--all]                   List containers (running only unless --all)
  inspect ID... [--raw]        Details as JSON (--raw adds the engine's own document)
  stats [ID...]                One stats snapshot (default: every running container)
  logs ID [-f] [-n N] [-t]     Print logs; -f follows, -n tails N lines, -t adds timestamps
  exec ID|--workspace DIR|--repo URL [-w DIR] [-u USER] -- CMD [ARG...]
                               Run a command in a container, or in DIR's workspace container
                               (TTY when attached to one); with --runtime host, in DIR here
  tunnel start ID [--name NAME] [-u USER] [-w DIR]
                               Run \`code tunnel\` in a container, detached; prints the login
                               code and the vscode.dev address as they come
  tunnel status ID [--json]    Whether a tunnel runs there, its address or pending login
  tunnel stop ID               End it
  start|stop|restart ID... [-t SECONDS]
  rm ID... [--force] [--volumes] [--repo-volume]
                               Remove; volumes are kept: --volumes deletes anonymous ones,
                               --repo-volume a cloned workspace's volume (the clone in it)
  images [ls] | rm REF... [--force] | tag SOURCE TARGET
                               Images by repository, with the containers using each; rm refuses
                               one a container uses (unless --force)
  volumes [ls] | rm NAME...    Volumes and the containers mounting each; rm refuses one in use
  networks [ls] | rm NAME...   Networks and the containers attached; the engine's own are kept
  prune [containers|images|volumes|networks...] [--all-images] [--all-volumes] [--label L] [--yes]
                               What would go and the space freed; --yes removes exactly that
                               (stopped containers, dangling images, unused anonymous volumes,
                               unused networks; --all-* widens images and volumes)
  system df                    What images, containers, volumes and the build cache take

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
  forward,
  images,
  volumes,
  networks,
  prune,
  system,
};
/** Flags every command takes. */
const GLOBAL_VALUED = ['runtime'];
const GLOBAL_BOOLEAN = ['json', 'help', 'h'];

/** The flags each command takes (beyond the global ones): [valued, boolean]. */
const FLAGS: Record<string, [string[], string[]]> = {
  runtimes: [[], []],
  context: [[], []],
  create: [
    ['source', 'image', 'forward', 'repo', 'ref', 'clone-image', 'clone-network'],
    ['no-hooks', 'no-post-create', 'rebuild'],
  ],
  ls: [[], ['all', 'a']],
  ps: [[], ['all', 'a']],
  inspect: [[], ['raw']],
  stats: [[], []],
  logs: [
    ['n', 'tail'],
    ['f', 'follow', 't', 'timestamps'],
  ],
  exec: [['workspace', 'repo', 'w', 'workdir', 'u', 'user', 'forward'], ['no-tty']],
  forward: [['forward'], []],
  tunnel: [['name', 'u', 'user', 'w', 'workdir'], []],
  start: [[], []],
  stop: [['t', 'time'], []],
  restart: [['t', 'time'], []],
  rm: [[], ['force', 'f', 'volumes', 'v', 'repo-volume']],
  images: [[], ['force', 'f']],
  volumes: [[], []],
  networks: [[], []],
  prune: [['label'], ['all-images', 'all-volumes', 'yes', 'y']],
  system: [[], []],
};

function flagSpec(command: string | undefined): FlagSpec {
  const [valued, boolean] = (command !== undefined && FLAGS[command]) || [[], []];
  return { valued: new Set([...GLOBAL_VALUED, ...valued]), boolean: new Set([...GLOBAL_BOOLEAN, ...boolean]) };
}

/** The command word: the first argument that is not a flag (nor the value of --runtime). */
function commandWord(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return undefined;
    if (a === '--runtime') i++;
    else if (!a.startsWith('-') || a === '-') return a;
  }
  return undefined;
}

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
  let isHost: boolean;
  try {
    // A bad --runtime or CONTAINER_RUNTIME is a usage error for every command, found before anything runs.
    isHost = runtimeChoice(input) === 'host';
  } catch (e) {
    return reportFailure(e, false, err);
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
    void rt?.close();
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
  const own = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (own.includes('--help') || own.includes('-h')) {
    out(USAGE);
    return 0;
  }
  const word = commandWord(argv);
  if (word !== undefined && !(word in FLAGS)) {
    err(`cws: unknown command "${shown(word)}"\n\n${USAGE}`);
    return 2;
  }
  let args: ParsedArgs;
  try {
    const spec = flagSpec(word);
    args = parseArgs(argv, spec.valued, spec);
  } catch (e) {
    err(`cws: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [name] = args.positionals;
  if (!name) {
    err(USAGE);
    return 2;
  }
  if (!(name in FLAGS)) {
    err(`cws: unknown command "${shown(name)}"\n\n${USAGE}`);
    return 2;
  }
  const special = name === 'runtimes' || name === 'context';
  return { args, name, command: special ? undefined : COMMANDS[name] };
}

/**
 * A failed command on stderr, and its exit code: 2 for usage (and for an invalid argument found
 * before any runtime was made), 1 otherwise.
 */
function reportFailure(e: unknown, hadRuntime: boolean, err: (s: string) => void): number {
  if (e instanceof UsageError) {
    err(`cws: ${safe(e.message)}`);
    return 2;
  }
  if (e instanceof RuntimeError) {
    err(`cws: ${escapeControl(e.message, { maxLength: 300 })}${e.hint ? `\nhint: ${safe(e.hint)}` : ''}`);
    return e.code === 'invalidArgument' && !hadRuntime ? 2 : 1;
  }
  return internalError(e, err);
}

/**
 * A failure that is a bug of ours: one line, not a stack trace (CWS_DEBUG=1 shows it), exit code 1.
 */
function internalError(e: unknown, err: (s: string) => void): number {
  const message = e instanceof Error ? e.message : String(e);
  err(`cws: internal error: ${shown(message)}`);
  if (process.env.CWS_DEBUG && e instanceof Error && e.stack) err(e.stack);
  return 1;
}

if (require.main === module) {
  // Whatever escapes a command (a throw in a stream callback) ends cws the same way.
  const last = (e: unknown) => {
    process.exitCode = internalError(e, (s) => process.stderr.write(s + '\n'));
    process.exit();
  };
  process.on('uncaughtException', last);
  process.on('unhandledRejection', last);
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
