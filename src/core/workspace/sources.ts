/** The ways a folder's workspace container can be made, from its detected context. */
import { dirname, relative } from 'node:path';
import type { FolderContext } from '../detection/types';
import type { WorkspaceSource } from './types';

const rel = (folder: string, p: string) => relative(folder, p).split('\\').join('/') || '.';

/** A source from an image the user names. */
export function imageSource(image: string): WorkspaceSource {
  return { kind: 'image', label: `Image: ${image}`, image };
}

/**
 * The choices for a folder, the detected primary kind first (devcontainer > compose > dockerfile):
 * each dev container config, each Compose service that has an image or a build, each Dockerfile.
 */
export function workspaceSources(ctx: FolderContext): WorkspaceSource[] {
  const out: WorkspaceSource[] = [];
  for (const dc of ctx.devcontainers) {
    const where = dc.name ?? rel(ctx.folder, dirname(dc.path));
    const detail = dc.kind === 'compose' ? `compose service ${dc.compose?.service ?? '?'}` : dc.kind;
    out.push({ kind: 'devcontainer', label: `Dev container: ${where} (${detail})`, devcontainer: dc });
  }
  const several = ctx.composeProjects.length > 1;
  for (const project of ctx.composeProjects) {
    for (const s of project.services) {
      if (s.image === undefined && s.build === undefined) continue;
      out.push({
        kind: 'compose',
        label: `Compose service: ${s.name}${several ? ` (${project.name})` : ''}`,
        compose: { project, service: s.name },
      });
    }
  }
  for (const d of ctx.dockerfiles) {
    out.push({ kind: 'dockerfile', label: `Dockerfile: ${rel(ctx.folder, d.path)}`, dockerfile: d });
  }
  return out;
}
