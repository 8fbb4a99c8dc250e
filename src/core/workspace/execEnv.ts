/** remoteEnv onto an exec, in a module of its own: the VS Code face uses it without loading the rest. */

/**
 * What to exec for a command with remoteEnv: the set variables as the exec's environment, the
 * unset ones (null) through `env -u NAME` before the command (names as arguments, never shell text).
 */
export function execWithEnv(
  argv: readonly string[],
  env: Readonly<Record<string, string | null>>,
): { cmd: string[]; env: Record<string, string> } {
  const set: Record<string, string> = {};
  const unset: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (v === null) unset.push('-u', k);
    else Object.defineProperty(set, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return { cmd: unset.length ? ['env', ...unset, ...argv] : [...argv], env: set };
}
