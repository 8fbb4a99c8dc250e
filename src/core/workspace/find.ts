/** Finding the container made for a folder again: by our labels, or those of the Dev Containers tooling. */
import { resolve } from 'node:path';
import { LABELS } from '../runtime/labels';
import type { ContainerRuntime, ContainerSummary } from '../runtime/types';

function samePath(a: string | undefined, b: string, platform: NodeJS.Platform = process.platform): boolean {
  if (!a) return false;
  const x = resolve(a);
  const y = resolve(b);
  return platform === 'win32' || platform === 'darwin' ? x.toLowerCase() === y.toLowerCase() : x === y;
}

export interface FindOptions {
  /** Only a container made from this dev container config (absolute path of devcontainer.json). */
  configFile?: string;
  signal?: AbortSignal;
}

/** The folder's containers among these: ours by LABELS.workspace, else the Dev Containers tooling's by local_folder. */
export function matchWorkspaceContainers(
  list: readonly ContainerSummary[],
  folder: string,
  configFile?: string,
): ContainerSummary[] {
  const out = list.filter((c) => {
    const l = c.labels;
    if (l[LABELS.composeOneoff] === 'True') return false;
    const ours = l[LABELS.workspace] !== undefined;
    const forFolder = ours
      ? samePath(l[LABELS.workspace], folder)
      : samePath(l[LABELS.devcontainerLocalFolder], folder);
    if (!forFolder) return false;
    return configFile === undefined || samePath(l[LABELS.devcontainerConfigFile], configFile);
  });
  // Running first, then the newest.
  return out.sort((a, b) => Number(b.state === 'running') - Number(a.state === 'running') || b.created - a.created);
}

/**
 * The existing container made for this folder (and, when given, this dev container config): by
 * LABELS.workspace (and devcontainer.config_file / local_folder). Prefers a running one.
 */
export async function findWorkspaceContainer(
  rt: ContainerRuntime,
  folder: string,
  o: FindOptions = {},
): Promise<ContainerSummary | undefined> {
  const list = await rt.listContainers({ all: true, signal: o.signal });
  return matchWorkspaceContainers(list, folder, o.configFile)[0];
}
