import { posix } from 'node:path';

export const BASE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const PODMAN_NAMES = ['podman-compose.yaml', 'podman-compose.yml'];
const OVERRIDES: Record<string, string[]> = {
  compose: ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yml', 'docker-compose.override.yaml'],
  'docker-compose': ['docker-compose.override.yml', 'docker-compose.override.yaml', 'compose.override.yaml', 'compose.override.yml'],
  'podman-compose': ['podman-compose.override.yaml', 'podman-compose.override.yml', 'compose.override.yaml', 'compose.override.yml'],
};
const ALL = new Set([...BASE_NAMES, ...PODMAN_NAMES, ...Object.values(OVERRIDES).flat()]);

export interface ProjectFiles {
  /** Relative POSIX directory of the project ('' = the folder). */
  dir: string;
  /** Relative POSIX paths: base first, then the override. */
  files: string[];
  podman: boolean;
}

/**
 * The projects in a listing, as the compose tool finds their files: per directory, the first base
 * file that exists, and one override next to it. Podman's podman-compose.y(a)ml counts too.
 */
export function findProjects(files: string[]): ProjectFiles[] {
  const byDir = new Map<string, Set<string>>();
  for (const f of files) {
    const slash = f.lastIndexOf('/');
    const base = slash < 0 ? f : f.slice(slash + 1);
    if (!ALL.has(base)) continue;
    const dir = slash < 0 ? '' : f.slice(0, slash);
    (byDir.get(dir) ?? byDir.set(dir, new Set()).get(dir)!).add(base);
  }
  const out: ProjectFiles[] = [];
  for (const [dir, names] of [...byDir].sort(([a], [b]) => a.localeCompare(b))) {
    const base = [...BASE_NAMES, ...PODMAN_NAMES].find((n) => names.has(n));
    if (!base) continue;
    const family = base.startsWith('podman') ? 'podman-compose' : base.startsWith('docker') ? 'docker-compose' : 'compose';
    const override = OVERRIDES[family].find((n) => names.has(n));
    const join = (n: string) => (dir ? posix.join(dir, n) : n);
    out.push({ dir, files: [join(base), ...(override ? [join(override)] : [])], podman: family === 'podman-compose' });
  }
  return out;
}
