// A lifecycle hook runner for tests: runs each command through the runtime's exec (as the CLI
// does) and records what ran, in order, with where and as whom.
import type { ContainerRuntime } from '../../src/core/runtime/types';
import { execWithEnv, type WorkspaceHookRunner } from '../../src/core/workspace/hooks';

export interface HookCall {
  hook: string;
  source: string;
  name?: string;
  argv: string[];
  workspaceFolder?: string;
  user?: string;
  stdout?: string;
}

export function recordingHooks(rt: ContainerRuntime): { runner: WorkspaceHookRunner; calls: HookCall[] } {
  const calls: HookCall[] = [];
  const runner: WorkspaceHookRunner = {
    async inContainer(argv, ctx, at) {
      const call: HookCall = {
        hook: ctx.hook,
        source: ctx.source,
        ...(ctx.name !== undefined ? { name: ctx.name } : {}),
        argv,
        workspaceFolder: at.workspaceFolder,
        ...(at.user ? { user: at.user } : {}),
      };
      calls.push(call);
      const { cmd, env } = execWithEnv(argv, at.env);
      const r = await rt.exec(at.containerId, { cmd, env, workingDir: at.workspaceFolder, user: at.user });
      call.stdout = r.stdout;
      return { exitCode: r.exitCode };
    },
  };
  return { runner, calls };
}

/** The calls without their output, for comparing with what is expected. */
export function ran(calls: HookCall[]): Omit<HookCall, 'stdout'>[] {
  return calls.map(({ stdout: _, ...c }) => c);
}
