#!/usr/bin/env node
// cws — Container Workspaces' companion CLI. Same runtime layer as the extension, JSON on request.
// Exit codes: 0 ok, 1 runtime error (message and hint on stderr), 2 usage.
import { RuntimeError } from '../runtime/errors';
import { createRuntime, pickRuntimeId } from '../runtime/select';
import type { ContainerRuntime } from '../runtime/types';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { formatTable } from './table';

const USAGE = `Usage: cws <command> [options]

Commands:
  ls [--all]        List containers (running only unless --all)

Options:
  --json            Machine-readable output (the normalised shape)
  --runtime NAME    auto | docker | podman | apple (default: CONTAINER_RUNTIME, else auto)
  -h, --help        Show this help`;

type Command = (rt: ContainerRuntime, args: ParsedArgs, out: (s: string) => void) => Promise<void>;

const ls: Command = async (rt, args, out) => {
  const list = await rt.listContainers({ all: args.flags.has('all') || args.flags.has('a') });
  if (args.flags.has('json')) return out(JSON.stringify(list, null, 2));
  out(formatTable(['CONTAINER ID', 'NAME', 'IMAGE', 'STATE', 'STATUS'],
    list.map((c) => [c.id.slice(0, 12), c.name, c.image, c.state, c.status])));
};

const COMMANDS: Record<string, Command> = { ls, ps: ls };

export async function main(argv: string[], out = (s: string) => process.stdout.write(s + '\n'), err = (s: string) => process.stderr.write(s + '\n')): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, new Set(['runtime']));
  } catch (e) {
    err(`cws: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [name] = args.positionals;
  if (!name || args.flags.has('help') || args.flags.has('h')) {
    (name || args.flags.size ? out : err)(USAGE);
    return name || args.flags.size ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`cws: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  let rt: ContainerRuntime | undefined;
  try {
    const runtimeFlag = args.flags.get('runtime');
    const id = pickRuntimeId({ setting: typeof runtimeFlag === 'string' ? runtimeFlag : undefined, settingSource: '--runtime' });
    rt = createRuntime(id);
    await command(rt, args, out);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`cws: ${e.message}`);
      return 2;
    }
    if (e instanceof RuntimeError) {
      err(`cws: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`);
      return e.code === 'invalidArgument' && !rt ? 2 : 1;
    }
    err(`cws: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    rt?.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
