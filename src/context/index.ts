/** What the extension loads lazily from dist/context.js (bundled apart, after activation). */
export { changedKinds, detectDirectory } from './detect';
export { excludeMatcher } from './glob';
// Creating a workspace container needs the YAML writer too: it is loaded with detection, on first use.
export { createWorkspaceContainer, imageSource, workspaceSources } from '../runtime/workspace';
