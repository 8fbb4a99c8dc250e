// The code-server helper lives in scripts/lib (plain CommonJS, shared with `npm start`); load it by
// absolute path so this works from test/ and from out/test/ alike.
import { join } from 'node:path';
import { repoRoot } from './paths';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cs = require(join(repoRoot, 'scripts/lib/codeServer.cjs')) as typeof import('../../scripts/lib/codeServer.cjs');
export = cs;
