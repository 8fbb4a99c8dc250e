/** Shapes of the Features core, shared by its files and their users (the workspace builder, detection views). */
import type { ContainerHook, LifecycleCommand } from '../detection/types';
import type { OciRef } from '../registry/types';

/** A `features` key as written in devcontainer.json (or a `dependsOn` key), classified. */
export type FeatureRef = LocalFeatureRef | OciFeatureRef | TarballFeatureRef;

interface RefBase {
  /** The key exactly as written. */
  key: string;
  /** The Feature id the source implies: the folder name, the last OCI path segment, the tarball's `<id>`. */
  id: string;
  /**
   * The Feature without its version, as `installsAfter` and `overrideFeatureInstallOrder` name it:
   * OCI `registry/namespace/id` (lower case), a local Feature's absolute folder, a tarball's URL.
   */
  resource: string;
  /** The resource with its version (tag or digest): equal canonical ids and equal options are one Feature. */
  canonical: string;
}

export interface LocalFeatureRef extends RefBase {
  kind: 'local';
  /** Absolute folder holding devcontainer-feature.json and install.sh. */
  path: string;
}

export interface OciFeatureRef extends RefBase {
  kind: 'oci';
  oci: OciRef;
}

export interface TarballFeatureRef extends RefBase {
  kind: 'tarball';
  url: string;
}

/** One option a Feature declares. */
export interface FeatureOption {
  type: 'string' | 'boolean';
  default?: string | boolean;
  /** Strict list of allowed values. */
  enum?: string[];
  /** Suggested values; free-form values are allowed. */
  proposals?: string[];
  description?: string;
}

/** A mount as a Feature or devcontainer.json writes it: Docker's `--mount` string or the object form. */
export type FeatureMount = string | { type: 'bind' | 'volume'; source?: string; target: string };

/** The value of a `features` entry: options, or a bare string / boolean meaning the `version` option. */
export type UserOptions = string | boolean | Record<string, string | boolean>;

/** devcontainer-feature.json, validated. Maps are null-prototype objects in file order. */
export interface FeatureMetadata {
  id: string;
  version?: string;
  name?: string;
  description?: string;
  documentationURL?: string;
  options: Record<string, FeatureOption>;
  containerEnv: Record<string, string>;
  mounts: FeatureMount[];
  capAdd: string[];
  securityOpt: string[];
  privileged?: boolean;
  init?: boolean;
  entrypoint?: string;
  /** Product-specific settings, kept as parsed (opaque to us). */
  customizations?: unknown;
  /** Hard dependencies: key as in a `features` map → its options. */
  dependsOn: Record<string, UserOptions>;
  /** Soft dependencies: Feature ids without version. */
  installsAfter: string[];
  legacyIds: string[];
  deprecated?: boolean;
  hooks: Partial<Record<ContainerHook, LifecycleCommand>>;
}

/** A Feature ready to be ordered and installed: where it is from, what it says, the options it runs with. */
export interface ResolvedFeature {
  ref: FeatureRef;
  metadata: FeatureMetadata;
  /** The options as the user (or a dependsOn) wrote them, before defaults. */
  userOptions: UserOptions;
}
