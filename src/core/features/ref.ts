/**
 * What a `features` key names, as the containers.dev spec lists the forms: a local folder (`./x`,
 * `../x`), an OCI artifact (`registry/namespace/id[:tag][@sha256:…]`) or a tarball URL
 * (`https://…/devcontainer-feature-<id>.tgz`). The deprecated forms (short ids like `node`, GitHub
 * releases `owner/repo/id@v1`) are refused with what to write instead. Pure: no file is read.
 */
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import type { OciRef } from '../registry/types';
import { featureError, quote } from './errors';
import { FEATURE_LIMITS } from './limits';
import type { FeatureRef, OciFeatureRef } from './types';

export interface RefContext {
  /** Folder holding devcontainer.json: local paths are relative to it (spec). */
  configDir: string;
  /** Folder a local Feature must stay inside: the workspace's `.devcontainer` (as the reference CLI checks). */
  boundaryDir: string;
}

/** OCI: namespace/id path components (lower case, `.`/`_`/`-` separated), tag and digest as the CLI checks them. */
const OCI_PATH = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const OCI_TAG = /^[a-z0-9_][a-z0-9._-]{0,127}$/;
const OCI_DIGEST = /^sha256:[0-9a-f]{64}$/;
/** host, host:port or an IPv4 address, lower case. */
const REGISTRY = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$/;
const TARBALL_NAME = /^devcontainer-feature-([A-Za-z0-9_-]+)\.tgz$/;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

const OCI_HINT = 'Write an OCI reference such as `ghcr.io/devcontainers/features/node:1`.';

/** Classifies a `features` (or `dependsOn`) key; a key naming nothing we can fetch throws a RuntimeError naming it. */
export function parseFeatureRef(key: unknown, ctx: RefContext): FeatureRef {
  if (typeof key !== 'string' || key === '')
    throw featureError('A Feature key is empty.', 'Name a Feature: `./folder`, an OCI reference or an https URL.');
  if (key.length > FEATURE_LIMITS.maxRefChars)
    throw featureError(
      `The Feature key ${quote(key)} is longer than ${FEATURE_LIMITS.maxRefChars} characters.`,
      'Shorten the reference.',
    );
  if (CONTROL.test(key))
    throw featureError(`The Feature key ${quote(key)} contains control characters.`, 'Remove them from the key.');
  if (key.startsWith('./') || key.startsWith('../')) return localRef(key, ctx);
  if (key.startsWith('/') || isAbsolute(key))
    throw featureError(
      `The Feature ${quote(key)} is an absolute path, which the spec does not allow.`,
      'Move the Feature into the .devcontainer folder and write it as `./name`.',
    );
  if (/^https?:\/\//i.test(key)) return tarballRef(key);
  if (!key.includes('/') && !key.includes('\\'))
    throw featureError(
      `The Feature ${quote(key)} is a short id, a form the Features spec no longer supports.`,
      `${OCI_HINT} For a Feature in your .devcontainer folder write \`./${key}\`.`,
    );
  return ociRef(key);
}

/** parseFeatureRef without the throw: a soft reference (installsAfter, override order) naming nothing is skipped. */
export function tryParseFeatureRef(key: unknown, ctx: RefContext): FeatureRef | undefined {
  try {
    return parseFeatureRef(key, ctx);
  } catch {
    return undefined;
  }
}

function localRef(key: string, ctx: RefContext): FeatureRef {
  const path = resolve(ctx.configDir, key);
  const boundary = resolve(ctx.boundaryDir);
  const rel = relative(boundary, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw featureError(
      `The local Feature ${quote(key)} is outside the .devcontainer folder (${quote(boundary)}).`,
      'Local Features must be folders inside .devcontainer (spec); move it there and write `./name`.',
    );
  return { kind: 'local', key, id: basename(path), path, resource: path, canonical: path };
}

function tarballRef(key: string): FeatureRef {
  if (!/^https:\/\//i.test(key))
    throw featureError(`The Feature ${quote(key)} is fetched over plain http.`, 'Use an https:// URL.');
  let url: URL;
  try {
    url = new URL(key);
  } catch {
    throw featureError(`The Feature URL ${quote(key)} is not a valid URL.`, 'Check the address.');
  }
  const name = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  const m = TARBALL_NAME.exec(name);
  if (!m)
    throw featureError(
      `The Feature URL ${quote(key)} does not end in \`devcontainer-feature-<id>.tgz\`.`,
      'Point it at the packaged Feature (devcontainer-feature-<id>.tgz), or use its OCI reference.',
    );
  const href = url.toString();
  return { kind: 'tarball', key, id: m[1], url: href, resource: href, canonical: href };
}

function ociRef(key: string): OciFeatureRef {
  // OCI references are case-insensitive for us as for the reference CLI: everything is lower-cased.
  const input = key.toLowerCase();
  const at = input.indexOf('@');
  let name = at >= 0 ? input.slice(0, at) : input;
  const digest = at >= 0 ? input.slice(at + 1) : undefined;
  let tag: string | undefined;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const parts = name.split('/');
  const registry = parts[0];
  const looksLikeHost = registry.includes('.') || registry.includes(':') || registry === 'localhost';
  if (!looksLikeHost) {
    // owner/repo/id[@version]: the GitHub-release form, dropped by the spec.
    throw featureError(
      `The Feature ${quote(key)} uses the GitHub-release form, which the Features spec no longer supports.`,
      `${OCI_HINT} Features published from a GitHub repository are usually at \`ghcr.io/${parts
        .slice(0, 3)
        .join('/')
        .replace(/@.*$/, '')}\`.`,
    );
  }
  if (parts.length < 3)
    throw featureError(
      `The Feature ${quote(key)} has no namespace: an OCI Feature is \`registry/namespace/id\`.`,
      OCI_HINT,
    );
  if (!REGISTRY.test(registry))
    throw featureError(`The registry ${quote(registry)} of the Feature ${quote(key)} is not a host name.`, OCI_HINT);
  const repository = parts.slice(1).join('/');
  if (!OCI_PATH.test(repository))
    throw featureError(
      `The Feature ${quote(key)} has an invalid path ${quote(repository)}.`,
      'Path segments are letters, digits and single `.`, `_` or `-` between them.',
    );
  if (digest !== undefined && !OCI_DIGEST.test(digest))
    throw featureError(
      `The digest of the Feature ${quote(key)} is not \`sha256:\` and 64 hex digits.`,
      'Copy the digest exactly, or use a tag.',
    );
  if (tag !== undefined && !OCI_TAG.test(tag))
    throw featureError(
      `The tag ${quote(tag)} of the Feature ${quote(key)} is not a valid tag.`,
      'Tags are up to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`.',
    );
  // A digest wins over a tag written with it; no tag means `latest` (spec).
  const oci: OciRef = digest ? { registry, repository, digest } : { registry, repository, tag: tag ?? 'latest' };
  const resource = `${registry}/${repository}`;
  const canonical = digest ? `${resource}@${digest}` : `${resource}:${oci.tag}`;
  return { kind: 'oci', key, id: parts[parts.length - 1], oci, resource, canonical };
}
