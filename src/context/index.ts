/** What the extension loads lazily from dist/context.js (bundled apart, after activation). */
export { changedKinds, detectDirectory } from './detect';
export { excludeMatcher } from './glob';
