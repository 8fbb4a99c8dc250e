/**
 * Which files make up each Compose project of a listing, as `docker compose` finds them when run in
 * that directory: the first of the base names that exists, plus the first override name that exists.
 */

/** Compose v2's lookup order (compose-go `DefaultFileNames`). */
export const BASE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
/** Compose v2's override order (compose-go `DefaultOverrideFileNames`), whatever the base's name. */
export const OVERRIDE_NAMES = [
  'compose.override.yml',
  'compose.override.yaml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
];
/** podman-compose's own base names (only when none of Compose's is there); its override order. */
export const PODMAN_NAMES = ['podman-compose.yaml', 'podman-compose.yml'];
const PODMAN_OVERRIDE_NAMES = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
];

const BASE = 1;
const OVERRIDE = 2;
const PODMAN = 4;
const CONTAINERFILE = 8;
const DOCKERFILE = 16;
const DOTENV = 32;
const KIND = new Map<string, number>([
  ...BASE_NAMES.map((n) => [n, BASE] as const),
  ...OVERRIDE_NAMES.map((n) => [n, OVERRIDE] as const),
  ...PODMAN_NAMES.map((n) => [n, PODMAN] as const),
  ['Containerfile', CONTAINERFILE],
  ['Dockerfile', DOCKERFILE],
  ['.env', DOTENV],
]);

export interface ProjectFiles {
  /** Relative POSIX directory of the project ('' = the folder itself). */
  dir: string;
  /** Relative POSIX paths: the base file first, then the override. */
  files: string[];
  /** A podman-compose file, or a Compose file next to a Containerfile and no Dockerfile. */
  podman: boolean;
  /** Other base / override files in the same directory that Compose does not read (relative paths). */
  ignored: { file: string; used: string; kind: 'base' | 'override' }[];
}

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/**
 * The projects in a listing (relative POSIX paths), in directory order, root first. One pass over
 * the listing with a basename lookup per entry; the directories that hold a Compose file decide.
 */
export function findProjects(files: readonly string[]): { projects: ProjectFiles[]; rootDotEnv: boolean } {
  const byDir = new Map<string, { names: Set<string>; kinds: number }>();
  for (const f of files) {
    const slash = f.lastIndexOf('/');
    const kind = KIND.get(slash < 0 ? f : f.slice(slash + 1));
    if (kind === undefined) continue;
    const dir = slash < 0 ? '' : f.slice(0, slash);
    let entry = byDir.get(dir);
    if (!entry) byDir.set(dir, (entry = { names: new Set(), kinds: 0 }));
    entry.names.add(slash < 0 ? f : f.slice(slash + 1));
    entry.kinds |= kind;
  }
  const out: ProjectFiles[] = [];
  const dirs = [...byDir.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const dir of dirs) {
    const { names, kinds } = byDir.get(dir)!;
    if (!(kinds & (BASE | PODMAN))) continue;
    const bases = BASE_NAMES.filter((n) => names.has(n));
    const podmanBase = !bases.length;
    const base = podmanBase ? PODMAN_NAMES.find((n) => names.has(n))! : bases[0];
    const overrides = (podmanBase ? PODMAN_OVERRIDE_NAMES : OVERRIDE_NAMES).filter((n) => names.has(n));
    const ignored = [
      ...bases.slice(1).map((n) => ({ file: join(dir, n), used: base, kind: 'base' as const })),
      ...overrides.slice(1).map((n) => ({ file: join(dir, n), used: overrides[0], kind: 'override' as const })),
    ];
    out.push({
      dir,
      files: [join(dir, base), ...(overrides.length ? [join(dir, overrides[0])] : [])],
      podman: podmanBase || ((kinds & CONTAINERFILE) !== 0 && (kinds & DOCKERFILE) === 0),
      ignored,
    });
  }
  return { projects: out, rootDotEnv: ((byDir.get('')?.kinds ?? 0) & DOTENV) !== 0 };
}
