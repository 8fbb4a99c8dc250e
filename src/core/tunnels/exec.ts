import type { ContainerRuntime, ExecResult } from '../runtime/types';

/** Runs one of the fixed scripts with its values as positional arguments: nothing is interpreted by a shell. */
export function runScript(
  rt: ContainerRuntime,
  id: string,
  script: string,
  args: string[],
  o: { user?: string; workingDir?: string; env?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<ExecResult> {
  return rt.exec(id, {
    cmd: ['sh', '-c', script, 'sh', ...args],
    user: o.user,
    workingDir: o.workingDir,
    env: o.env,
    signal: o.signal,
  });
}

/** The first non-blank line of a command's output, for messages. */
export function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  );
}
