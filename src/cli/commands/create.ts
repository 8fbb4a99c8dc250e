import { detectDirectory } from '../../core/detection/detect';
import { findComposeTool, type ComposeTool } from '../../core/compose/composeTool';
import { RuntimeError } from '../../core/runtime/errors';
import type { ContainerRuntime } from '../../core/runtime/types';
import { spawn } from 'node:child_process';
import {
  createWorkspaceContainer,
  imageSource,
  workspaceSources,
  type WorkspaceSource,
  type WorkspaceSourceKind,
} from '../../core/workspace';
import { execWithEnv, type WorkspaceHookRunner } from '../../core/workspace/hooks';
import { createFromRepository } from '../../core/workspace/repoVolume';
import { UsageError } from '../args';
import { folderArg, json, operands, type CliCommand, type CliContext } from '../context';
import { safe, safeJson } from '../format';
import { cliForwarding } from '../forward';

const KINDS: readonly WorkspaceSourceKind[] = ['devcontainer', 'dockerfile', 'compose', 'image'];

function valueFlag(ctx: CliContext, name: string, what: string): string | undefined {
  const v = ctx.args.flags.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value (--${name}=${what})`);
  return v;
}

/** An argv as a person reads it: words with spaces or quotes shown in JSON quotes. */
function shown(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

interface SourceFlags {
  kind?: WorkspaceSourceKind;
  image?: string;
}

/** --source and --image, checked before anything is detected or asked of a runtime. */
function sourceFlags(ctx: CliContext): SourceFlags {
  const kind = valueFlag(ctx, 'source', 'KIND');
  const image = valueFlag(ctx, 'image', 'REF');
  if (kind !== undefined && !KINDS.includes(kind as WorkspaceSourceKind)) {
    throw new UsageError(`--source is one of ${KINDS.join(', ')} (not "${kind}")`);
  }
  if (image !== undefined && kind !== undefined && kind !== 'image')
    throw new UsageError('--image goes with --source image only');
  if (kind === 'image' && !image) throw new UsageError('--source image needs --image REF');
  return { kind: kind as WorkspaceSourceKind | undefined, image };
}

function pickSource(flags: SourceFlags, sources: WorkspaceSource[], dir: string): WorkspaceSource {
  const { kind } = flags;
  const found = kind ? sources.find((s) => s.kind === kind) : sources[0];
  if (found) return found;
  if (kind)
    throw new RuntimeError(
      'notFound',
      `No ${kind} source was found in ${dir}.`,
      '`cws context` shows what was detected there.',
    );
  throw new RuntimeError(
    'notFound',
    `No dev container config, Compose service or Dockerfile was found in ${dir}.`,
    'Name an image to use instead: `cws create --source image --image REF`.',
  );
}

/** What a hook is, in one line: its name, entry, source and command. */
function hookLine(argv: string[], ctx: { hook: string; source: string; name?: string }): string {
  return `${ctx.hook}${ctx.name !== undefined ? ` "${ctx.name}"` : ''} (${ctx.source}): ${shown(argv)}`;
}

/**
 * Runs the hooks with their output on stderr: in the container through the runtime's exec,
 * initializeCommand on this machine in the folder (the argv spawned as is, no shell of ours).
 */
function hookRunner(ctx: CliContext, rt: ContainerRuntime, signal: AbortSignal): WorkspaceHookRunner {
  return {
    async inContainer(argv, hc, at) {
      ctx.err(safe(hookLine(argv, hc)));
      const { cmd, env } = execWithEnv(argv, at.env);
      const r = await rt.exec(at.containerId, { cmd, env, workingDir: at.workspaceFolder, user: at.user, signal });
      // The command's own output, as a terminal would show it (like `cws exec`, by design).
      if (r.stdout) ctx.err(r.stdout.replace(/\n$/, ''));
      if (r.stderr) ctx.err(r.stderr.replace(/\n$/, ''));
      return { exitCode: r.exitCode };
    },
    onHost(argv, hc, cwd) {
      ctx.err(safe(hookLine(argv, hc)));
      return new Promise((resolve) => {
        const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ['ignore', 'inherit', 'inherit'], signal });
        child.on('error', (err) => {
          ctx.err(`initializeCommand could not be run: ${safe(err.message)}`);
          resolve({ exitCode: 127 });
        });
        child.on('close', (code) => resolve({ exitCode: code ?? 1 }));
      });
    },
  };
}

/**
 * `cws create [DIR] [--source devcontainer|dockerfile|compose|image] [--image REF] [--no-hooks] [--rebuild] [--json]`:
 * creates DIR's workspace container (or reuses the one made before), from the given source or the
 * first one detected, Features installed and lifecycle hooks run (all of them, before it returns).
 * `--rebuild` removes the container first (never its volumes). `--forward` says what it borrows from
 * this machine (default all), served while cws runs. Progress and hook output go to stderr; stdout
 * gets the name and id.
 */
export const create: CliCommand = async (ctx) => {
  if (ctx.args.flags.has('repo')) return createFromRepo(ctx);
  const flags = sourceFlags(ctx);
  const dir = folderArg(operands(ctx)[0] ?? '.');
  const source =
    flags.image !== undefined
      ? imageSource(flags.image)
      : pickSource(flags, workspaceSources(await detectDirectory(dir, { env: process.env })), dir);
  const rt = await ctx.runtime();
  const needsCompose = source.kind === 'compose' || source.devcontainer?.kind === 'compose';
  let composeTool: ComposeTool | undefined;
  if (needsCompose && rt.id !== 'apple') composeTool = await findComposeTool(rt.id);

  const ac = new AbortController();
  const onInterrupt = () => {
    ctx.err('Cancelling…');
    ac.abort();
  };
  process.once('SIGINT', onInterrupt);
  // Served for the hooks (a postCreateCommand that clones), ended when cws exits.
  const forwarding = cliForwarding(ctx);
  try {
    ctx.err(safe(source.label));
    const w = await createWorkspaceContainer(rt, {
      folder: dir,
      source,
      composeTool,
      endpointUrl: rt.endpoint,
      signal: ac.signal,
      onProgress: (p) => ctx.err(safe(p.message)),
      rebuild: ctx.args.flags.has('rebuild'),
      hooks:
        ctx.args.flags.has('no-hooks') || ctx.args.flags.has('no-post-create')
          ? undefined
          : hookRunner(ctx, rt, ac.signal),
      forwarding,
    });
    const failed = await w.hooksDone;
    if (failed) throw failed;
    if (w.outOfDate) ctx.err(`${safe(w.name)} is out of date: \`cws create --rebuild\` makes it anew.`);
    if (json(ctx)) {
      ctx.out(safeJson({ id: w.id, name: w.name, created: w.created, workspaceFolder: w.workspaceFolder }));
    } else {
      ctx.err(`${w.created ? 'Created' : 'Reused'} ${safe(w.name)}; the folder is at ${safe(w.workspaceFolder)}.`);
      ctx.out(`${safe(w.name)} ${safe(w.id)}`);
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    await forwarding.close();
  }
};

/** Cancels on Ctrl-C; the returned function stops listening. */
function interruptible(ctx: CliContext): { signal: AbortSignal; done: () => void } {
  const ac = new AbortController();
  const onInterrupt = () => {
    ctx.err('Cancelling…');
    ac.abort();
  };
  process.once('SIGINT', onInterrupt);
  return { signal: ac.signal, done: () => process.off('SIGINT', onInterrupt) };
}

/**
 * `cws create --repo URL [--ref REF] [--image REF] [--clone-image IMG] [--clone-network NET]`: the
 * repository cloned into a volume (the same URL reuses it) by a helper container with this
 * machine's credentials, and a workspace container made from its dev container config (or the image).
 */
async function createFromRepo(ctx: CliContext): Promise<void> {
  const url = valueFlag(ctx, 'repo', 'URL')!;
  const ref = valueFlag(ctx, 'ref', 'REF');
  const image = valueFlag(ctx, 'image', 'REF');
  const cloneImage = valueFlag(ctx, 'clone-image', 'IMAGE');
  const network = valueFlag(ctx, 'clone-network', 'NETWORK');
  if (operands(ctx).length) throw new UsageError('--repo takes no folder: the workspace is the repository');
  if (ctx.args.flags.has('source')) throw new UsageError('--repo goes without --source (the repository says)');
  const rt = await ctx.runtime();
  const { signal, done } = interruptible(ctx);
  const forwarding = cliForwarding(ctx);
  try {
    const w = await createFromRepository(rt, {
      repo: { url, ...(ref ? { ref } : {}) },
      ...(image ? { image } : {}),
      clone: { ...(cloneImage ? { image: cloneImage } : {}), ...(network ? { network } : {}) },
      endpointUrl: rt.endpoint,
      signal,
      onProgress: (p) => ctx.err(safe(p.message)),
      rebuild: ctx.args.flags.has('rebuild'),
      hooks: ctx.args.flags.has('no-hooks') ? undefined : hookRunner(ctx, rt, signal),
      forwarding,
    });
    const failed = await w.hooksDone;
    if (failed) throw failed;
    if (json(ctx))
      ctx.out(
        safeJson({
          id: w.id,
          name: w.name,
          created: w.created,
          workspaceFolder: w.workspaceFolder,
          volume: w.volume,
          folder: w.folder,
        }),
      );
    else {
      const at = `${safe(w.workspaceFolder)} in volume ${safe(w.volume)}`;
      ctx.err(`${w.created ? 'Created' : 'Reused'} ${safe(w.name)}; the clone is at ${at}.`);
      ctx.out(`${safe(w.name)} ${safe(w.id)}`);
    }
  } finally {
    done();
    await forwarding.close();
  }
}
