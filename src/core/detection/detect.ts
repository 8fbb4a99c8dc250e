import { open } from 'node:fs/promises';
import { detectCompose } from './compose';
import { detectDevcontainers } from './devcontainers';
import { detectDockerfiles } from './dockerfiles';
import { detectKubernetes } from './kubernetes';
import { listFiles, type ListOptions } from './listFiles';
import type { ContextKind, FolderContext, KubernetesInfo, ReadText } from './types';

/** Files larger than this are not read (a generated 50 MB YAML is nobody's compose file). */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Reads UTF-8 text, or undefined when the file is gone, unreadable or too large. */
export function fsReader(maxBytes = MAX_FILE_BYTES): ReadText {
  return async (path) => {
    let fh;
    try {
      fh = await open(path, 'r');
      const { size } = await fh.stat();
      if (size > maxBytes) return undefined;
      return (await fh.readFile()).toString('utf8');
    } catch {
      return undefined;
    } finally {
      await fh?.close().catch(() => undefined);
    }
  };
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
): Promise<FolderContext> {
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
    diagnostics: [
      ...compose.diagnostics,
      ...devcontainers.diagnostics,
      ...dockerfiles.diagnostics,
      ...kubernetes.diagnostics,
    ],
  };
}

/** Lists and detects a directory on disk (the CLI, and the extension for each workspace folder). */
export async function detectDirectory(
  dir: string,
  o: ListOptions & { env?: NodeJS.ProcessEnv; onInternalError?: (what: string, err: unknown) => void } = {},
): Promise<FolderContext & { truncated: boolean }> {
  const { files, truncated } = await listFiles(dir, o);
  return { ...(await detectFolderContext(dir, files, fsReader(), o.env, o.onInternalError)), truncated };
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
