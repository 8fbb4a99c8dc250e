import { spawn } from 'node:child_process';
import { RuntimeError } from '../../core/runtime/errors';
import type { ContainerRuntime } from '../../core/runtime/types';
import { LABELS } from '../../core/runtime/labels';
import { findWorkspaceContainer } from '../../core/workspace/find';
import { UsageError } from '../args';
import { folderArg, operands, type CliCommand, type CliContext } from '../context';
import { safe } from '../format';
import { whileServing } from '../forward';

/**
 * Runs a command in a container; its exit code becomes cws's. With a terminal on both ends it is
 * interactive (TTY, stdin, resize); otherwise output is captured. The command is passed as an
 * argument array: nothing is interpreted by a shell on either side.
 */
export const exec: CliCommand = async (ctx) => {
  const workspace = strFlag(ctx, 'workspace');
  const repo = strFlag(ctx, 'repo');
  const [given] = operands(ctx);
  const cmd = ctx.args.rest;
  if ([given, workspace, repo].filter(Boolean).length !== 1 || !cmd.length)
    throw new UsageError('usage: cws exec ID|--workspace DIR|--repo URL -- CMD [ARG...]');
  if (repo) {
    // A workspace cloned into a volume: found by its repository's URL, started in the clone.
    const rt = await ctx.runtime();
    const url = repo.trim();
    const c = (await rt.listContainers({ all: true })).find((x) => x.labels[LABELS.repo] === url);
    if (!c)
      throw new RuntimeError(
        'notFound',
        `No workspace container was cloned from ${url}.`,
        `Create it first: cws create --repo ${JSON.stringify(url)}`,
      );
    await whileServing(ctx, rt, c, () => run(ctx, rt, c.id, cmd, c.labels[LABELS.workspaceTarget]), { quiet: true });
    return;
  }
  if (workspace && ctx.isHost) {
    // The host runtime: the command runs here, in the folder.
    ctx.exitCode = await runHere(cmd, folderArg(workspace));
    return;
  }
  const folder = workspace === undefined ? undefined : folderArg(workspace);
  const rt = await ctx.runtime();
  let id = given;
  let defaultDir: string | undefined;
  let labels: Record<string, string> = {};
  if (folder) {
    const c = await findWorkspaceContainer(rt, folder);
    if (!c)
      throw new RuntimeError(
        'notFound',
        `${folder} has no workspace container.`,
        `Create it first: cws create ${JSON.stringify(workspace)}`,
      );
    id = c.id;
    defaultDir = c.labels[LABELS.workspaceTarget];
    labels = c.labels;
  } else if (given) {
    // A workspace container named by id or name: served as well (any other has no such label).
    labels = (await rt.inspect(given).catch(() => undefined))?.labels ?? {};
  }
  await whileServing(ctx, rt, { id, labels }, () => run(ctx, rt, id, cmd, defaultDir), { quiet: true });
};

async function run(
  ctx: CliContext,
  rt: ContainerRuntime,
  id: string,
  cmd: string[],
  defaultDir: string | undefined,
): Promise<void> {
  const workingDir = strFlag(ctx, 'w') ?? strFlag(ctx, 'workdir') ?? defaultDir;
  const user = strFlag(ctx, 'u') ?? strFlag(ctx, 'user');
  if (process.stdin.isTTY && process.stdout.isTTY && !ctx.args.flags.has('no-tty')) {
    const term = await rt.execInteractive(id, {
      cmd,
      workingDir,
      user,
      cols: process.stdout.columns,
      rows: process.stdout.rows,
    });
    term.onData((d) => process.stdout.write(d));
    process.stdin.setRawMode(true);
    process.stdin.resume();
    const input = (b: Buffer) => term.write(b);
    const resize = () => void term.resize(process.stdout.columns, process.stdout.rows);
    process.stdin.on('data', input);
    process.stdout.on('resize', resize);
    try {
      ctx.exitCode = await term.exit;
    } finally {
      process.stdin.off('data', input);
      process.stdout.off('resize', resize);
      process.stdin.setRawMode(false);
      process.stdin.pause();
    }
    return;
  }
  const r = await rt.exec(id, { cmd, workingDir, user });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  ctx.exitCode = r.exitCode;
}

/** On this machine (the host runtime), as an argument array; resolves with its exit code. */
function runHere(cmd: string[], cwd: string): Promise<number> {
  return new Promise((done) => {
    const child = spawn(cmd[0], cmd.slice(1), { cwd, stdio: 'inherit' });
    child.on('error', (e) => {
      process.stderr.write(`cws: ${safe(e.message)}\n`);
      done(127);
    });
    child.on('close', (code) => done(code ?? 1));
  });
}

function strFlag(ctx: CliContext, name: string): string | undefined {
  const v = ctx.args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}
