/**
 * A tiny `which`: the absolute path of a program on env.PATH (with PATHEXT on Windows), or
 * undefined. Only files that can be spawned without a shell count: on Windows .cmd/.bat wrappers
 * are skipped, since running them needs cmd.exe.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** An environment variable by name; on Windows names are case-insensitive ("Path"). */
export function envValue(
  env: NodeJS.ProcessEnv,
  name: string,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (platform !== 'win32') return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

function isExecutable(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function which(
  program: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const win = platform === 'win32';
  const exts = win
    ? (envValue(env, 'PATHEXT', platform) ?? '.COM;.EXE')
        .split(';')
        .map((e) => e.trim())
        .filter((e) => e && !/^\.(cmd|bat)$/i.test(e))
    : [''];
  // A name that already has an extension is tried as it is, too.
  const names = win ? [...(/\.[^\\/.]+$/.test(program) ? [program] : []), ...exts.map((e) => program + e)] : [program];
  if (isAbsolute(program)) return names.find((n) => isExecutable(n, platform));
  const sep = win ? ';' : delimiter;
  for (const raw of (envValue(env, 'PATH', platform) ?? '').split(sep)) {
    const dir = win ? raw.trim().replace(/^"(.*)"$/, '$1') : raw;
    if (!dir) continue;
    for (const n of names) {
      const file = join(dir, n);
      if (isExecutable(file, platform)) return file;
    }
  }
  return undefined;
}
