/** Names of what is made for a workspace folder: the container, and a built image's tag. */
import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import type { RuntimeId } from '../runtime/types';

const MAX_BASE = 40;

/**
 * The folder's name as [a-z0-9] runs joined by "-" ("Mein Projekt ü" → "mein-projekt-u");
 * "workspace" when nothing is left.
 */
export function sanitizeName(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  const base = ascii
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_BASE)
    .replace(/-+$/, '');
  return base || 'workspace';
}

/** The first 8 hex digits of the SHA-256 of the folder's absolute path: two folders of one name get two containers. */
export function folderHash(folder: string): string {
  return createHash('sha256').update(resolve(folder)).digest('hex').slice(0, 8);
}

/**
 * Container name for the folder: "cws-<folder basename sanitised>-<short hash of the path>". Only
 * [a-z0-9-]: valid for Docker, Podman and Apple names, and as an image repository name.
 */
export function workspaceContainerName(folder: string): string {
  return `cws-${sanitizeName(basename(resolve(folder)))}-${folderHash(folder)}`;
}

/** The tag an image built for the folder gets: "<name>:latest", under localhost/ for Podman. */
export function workspaceImageTag(runtime: RuntimeId, folder: string): string {
  const tag = `${workspaceContainerName(folder)}:latest`;
  return runtime === 'podman' ? `localhost/${tag}` : tag;
}
