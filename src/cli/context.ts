import type { ContainerRuntime } from '../core/runtime/types';
import type { ParsedArgs } from './args';

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
