/**
 * Every limit the Features core keeps, so that hostile metadata (huge, deep, thousands of options or
 * Features, dependency cycles) is refused quickly with a message instead of hanging or crashing.
 */
export const FEATURE_LIMITS = {
  /** Bytes (UTF-16 units) of one devcontainer-feature.json text. */
  maxMetadataChars: 512 * 1024,
  /** Nesting of `{`/`[` in one devcontainer-feature.json (customizations included). */
  maxDepth: 32,
  /** Options one Feature may declare, and option values a user may give one Feature. */
  maxOptions: 1000,
  /** Entries of any one list or map in the metadata (containerEnv, mounts, capAdd, dependsOn, …). */
  maxEntries: 1000,
  /** Characters of one string value (an option default, an env value, a command). */
  maxStringChars: 64 * 1024,
  /** Characters of a `features` key (a path, an OCI reference, a URL). */
  maxRefChars: 2048,
  /** Features in one install (user-defined plus every dependency). */
  maxFeatures: 2000,
  /** Characters of a message quoting a value from a file. */
  maxQuoted: 120,
} as const;
