import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ContainerRuntime } from '../core/runtime/types';
import { shown, UsageError, type ParsedArgs } from './args';

/** What a cws command gets. */
export interface CliContext {
  args: ParsedArgs;
  out: (s: string) => void;
  err: (s: string) => void;
  /** The runtime chosen by --runtime > CONTAINER_RUNTIME > auto; created on first use. */
  runtime(): Promise<ContainerRuntime>;
  /** --runtime / CONTAINER_RUNTIME is `host`: no engine; workspace commands run here. */
  isHost?: boolean;
  /** Set by commands that end with another exit code (exec passes the inner one through). */
  exitCode?: number;
}

export type CliCommand = (ctx: CliContext) => Promise<void>;

export function json(ctx: CliContext): boolean {
  return ctx.args.flags.has('json');
}

/** Positionals after the command name. */
export function operands(ctx: CliContext): string[] {
  return ctx.args.positionals.slice(1);
}

/** A folder named on the command line, resolved; one that does not exist (or is a file) is a usage error. */
export function folderArg(given: string, what = 'folder'): string {
  if (!given.trim()) throw new UsageError(`the ${what} is empty`);
  const dir = resolve(given);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`no such ${what}: ${shown(given)}`);
  }
  if (!isDir) throw new UsageError(`not a folder: ${shown(given)}`);
  return dir;
}
