/** Shapes shared by the OCI registry client and its users (dev container Features, later images). */

/**
 * An OCI reference split up: `ghcr.io/devcontainers/features/node:1` → registry ghcr.io, repository
 * devcontainers/features/node, tag 1.
 */
export interface OciRef {
  /** Host[:port], lower case; `docker.io` is normalised to `registry-1.docker.io` only by the client. */
  registry: string;
  /** Path inside the registry, lower case. */
  repository: string;
  /** Exactly one of tag / digest names the manifest (a digest wins when both are written). */
  tag?: string;
  /** `sha256:<64 hex>`. */
  digest?: string;
}

/** Progress of a fetch: bytes so far of a total when the registry said one. */
export interface FetchProgress {
  message: string;
  bytes?: number;
  total?: number;
}

/** A content descriptor (OCI image spec): what a manifest says about a blob or another manifest. */
export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

/** An image manifest (OCI or Docker v2 schema 2): a config and layers. */
export interface OciManifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config: OciDescriptor;
  layers: OciDescriptor[];
  annotations?: Record<string, string>;
}

/** An image index (OCI) or Docker manifest list: one manifest per platform or artifact. */
export interface OciIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: (OciDescriptor & { platform?: { os?: string; architecture?: string; variant?: string } })[];
  annotations?: Record<string, string>;
}

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  /** A dev container Feature's config and layer (devcontainer-features-distribution.md). */
  featureConfig: 'application/vnd.devcontainers',
  featureLayer: 'application/vnd.devcontainers.layer.v1+tar',
} as const;
