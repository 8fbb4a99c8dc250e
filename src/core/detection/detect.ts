import { relative } from 'node:path';
import { readBounded } from '../io/readBounded';
import { detectCompose } from './compose';
import { detectDevcontainers } from './devcontainers';
import { detectDockerfiles } from './dockerfiles';
import { detectKubernetes } from './kubernetes';
import { capDiagnostics, LIMITS } from './limits';
import { listFiles, type ListOptions, type Listing } from './listFiles';
import { pooled } from './reads';
import type { ContextDiagnostic, ContextKind, FolderContext, KubernetesInfo, ReadText } from './types';

/** Files larger than this are not read (a generated 50 MB YAML is nobody's compose file). */
export const MAX_FILE_BYTES = LIMITS.maxBytes;

/**
 * Reads UTF-8 text through readBounded: regular files only (a FIFO, socket, device or directory is
 * refused without blocking), at most maxBytes actually read. Answers the outcome, so a file that
 * was not read becomes a diagnostic saying why.
 */
export function fsReader(maxBytes = MAX_FILE_BYTES): ReadText {
  return (path, signal) => readBounded(path, { maxBytes, signal });
}

const EMPTY_K8S: KubernetesInfo = { kustomizations: [], charts: [], resources: [] };

/** A detector that fails is a bug of ours, not the user's: its part is left empty, the rest stands. */
async function safely<T>(
  what: string,
  fallback: T,
  run: () => Promise<T>,
  onInternalError?: (what: string, err: unknown) => void,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    onInternalError?.(what, err);
    return fallback;
  }
}

/**
 * The container context of one folder, from its file listing (relative POSIX paths). Never throws:
 * malformed files become diagnostics and the rest is still detected.
 */
export async function detectFolderContext(
  folder: string,
  files: string[],
  read: ReadText,
  env: NodeJS.ProcessEnv = process.env,
  onInternalError?: (what: string, err: unknown) => void,
  o: { signal?: AbortSignal } = {},
): Promise<FolderContext> {
  // One pool for all detectors: the read limit holds for the folder, and each file is read once.
  read = pooled(read, { signal: o.signal });
  const [compose, devcontainers, dockerfiles, kubernetes] = await Promise.all([
    safely(
      'compose',
      { projects: [], diagnostics: [] },
      () => detectCompose(folder, files, read, env),
      onInternalError,
    ),
    safely(
      'devcontainer',
      { configs: [], diagnostics: [] },
      () => detectDevcontainers(folder, files, read),
      onInternalError,
    ),
    safely(
      'dockerfile',
      { dockerfiles: [], diagnostics: [] },
      () => detectDockerfiles(folder, files, read),
      onInternalError,
    ),
    safely(
      'kubernetes',
      { info: EMPTY_K8S, diagnostics: [] },
      () => detectKubernetes(folder, files, read),
      onInternalError,
    ),
  ]);
  const k8s = kubernetes.info;
  const found: Record<ContextKind, boolean> = {
    devcontainer: devcontainers.configs.length > 0,
    compose: compose.projects.length > 0,
    dockerfile: dockerfiles.dockerfiles.length > 0,
    kubernetes: k8s.resources.length + k8s.kustomizations.length + k8s.charts.length > 0,
  };
  const primary = (['devcontainer', 'compose', 'dockerfile', 'kubernetes'] as const).find((k) => found[k]);
  const podmanLeaning =
    compose.projects.some((p) => p.podmanLeaning) ||
    (dockerfiles.dockerfiles.length > 0 && dockerfiles.dockerfiles.every((d) => d.podmanLeaning));
  return {
    folder,
    dockerfiles: dockerfiles.dockerfiles,
    composeProjects: compose.projects,
    devcontainers: devcontainers.configs,
    kubernetes: k8s,
    podmanLeaning,
    primary,
    diagnostics: capDiagnostics([
      ...compose.diagnostics,
      ...devcontainers.diagnostics,
      ...dockerfiles.diagnostics,
      ...kubernetes.diagnostics,
    ]),
  };
}

/** Directories that could not be listed, as warnings (a permission-denied folder stays quiet). */
function listingDiagnostics(dir: string, listing: Listing): ContextDiagnostic[] {
  return listing.unreadable
    .filter((u) => u.code !== 'EACCES' && u.code !== 'EPERM' && u.code !== 'ENOENT')
    .map((u) => ({
      file: u.path,
      message:
        `The folder ${relative(dir, u.path) || '.'} could not be listed (${u.code}` +
        `${u.code === 'EMFILE' || u.code === 'ENFILE' ? ': too many files are open at once' : ''}); ` +
        'container files in it were not looked at.',
      severity: 'warning' as const,
      source: 'compose' as const,
      range: { line: 0, column: 0, endLine: 0, endColumn: 0 },
    }));
}

/** Lists and detects a directory on disk (the CLI, and the extension for each workspace folder). */
export async function detectDirectory(
  dir: string,
  o: ListOptions & { env?: NodeJS.ProcessEnv; onInternalError?: (what: string, err: unknown) => void } = {},
): Promise<FolderContext & { truncated: boolean }> {
  const listing = await listFiles(dir, { ...o, noteSpecial: isContainerFileName });
  // Links and special files (FIFOs, sockets, devices, directories with a container file's name)
  // are read like files: readBounded refuses what is not a regular file, and that is reported.
  const files = listing.special.length ? [...listing.files, ...listing.special] : listing.files;
  const ctx = await detectFolderContext(dir, files, fsReader(), o.env, o.onInternalError, { signal: o.signal });
  const listed = listingDiagnostics(dir, listing);
  return {
    ...ctx,
    diagnostics: listed.length ? [...ctx.diagnostics, ...listed] : ctx.diagnostics,
    truncated: listing.truncated,
  };
}

const EXACT_NAMES = new Set([
  ...['compose', 'docker-compose', 'podman-compose'].flatMap((b) =>
    ['yaml', 'yml', 'override.yaml', 'override.yml'].map((e) => `${b}.${e}`),
  ),
  '.env',
  'devcontainer.json',
  '.devcontainer.json',
  'Dockerfile',
  'Containerfile',
]);

/**
 * A name some detector reads: worth reading (and reporting) when it is a link or a special file.
 * A directory only counts under one of the exact names (a `docker-compose.yml/` where the file should be).
 */
function isContainerFileName(name: string, kind: 'link' | 'directory' | 'other'): boolean {
  if (kind === 'directory') return EXACT_NAMES.has(name);
  return EXACT_NAMES.has(name) || /\.ya?ml$/i.test(name) || /(^|\.)(docker|container)file(\.|$)/i.test(name);
}

/** Which parts differ between two detections of the same folder (for change listeners). */
export function changedKinds(a: FolderContext | undefined, b: FolderContext): (ContextKind | 'diagnostics')[] {
  const out: (ContextKind | 'diagnostics')[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  if (!same(a?.devcontainers ?? [], b.devcontainers)) out.push('devcontainer');
  if (!same(a?.composeProjects ?? [], b.composeProjects)) out.push('compose');
  if (!same(a?.dockerfiles ?? [], b.dockerfiles)) out.push('dockerfile');
  if (!same(a?.kubernetes ?? EMPTY_K8S, b.kubernetes)) out.push('kubernetes');
  if (!same(a?.diagnostics ?? [], b.diagnostics)) out.push('diagnostics');
  return out;
}
