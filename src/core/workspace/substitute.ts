/** Dev container variables: `${localWorkspaceFolder}`, `${localEnv:NAME:default}` and friends. */
import { basename, posix } from 'node:path';

export interface SubstitutionContext {
  /** Absolute host path of the workspace folder. */
  folder: string;
  /** Inside the container, once known. */
  containerWorkspaceFolder?: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Replaces the variables the Dev Containers tooling knows on the host side. Unknown ones (and
 * `${containerEnv:…}`, only known inside the container) are left as written.
 */
export function substitute(text: string, c: SubstitutionContext): string {
  return text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    const colon = inner.indexOf(':');
    const name = colon < 0 ? inner : inner.slice(0, colon);
    switch (name) {
      case 'localWorkspaceFolder':
        return c.folder;
      case 'localWorkspaceFolderBasename':
        return basename(c.folder);
      case 'containerWorkspaceFolder':
        return c.containerWorkspaceFolder ?? whole;
      case 'containerWorkspaceFolderBasename':
        return c.containerWorkspaceFolder !== undefined ? posix.basename(c.containerWorkspaceFolder) : whole;
      case 'localEnv':
      case 'env': {
        if (colon < 0) return whole;
        const rest = inner.slice(colon + 1);
        const c2 = rest.indexOf(':');
        const key = c2 < 0 ? rest : rest.slice(0, c2);
        const fallback = c2 < 0 ? '' : rest.slice(c2 + 1);
        return c.env[key] ?? fallback;
      }
      default:
        return whole;
    }
  });
}
