// Builds everything that runs:
//   dist/extension.js  the extension (CommonJS, node, `vscode` external)
//   dist/background.js detection and workspace creation, loaded after activation
//   dist/detectionWorker.js  the detection worker thread and its host side, loaded on the first detection
//   dist/cws.js        the companion CLI
//   dist/ssh.js        docker-modem's ssh agent with ssh2, loaded only for ssh:// hosts
//   dist/tar.js        tar-fs, loaded only when dockerode packs a build context
//   media/*.js         webview scripts (browser), one per src/webview/<name>/main.ts
//   out/               tests and sources transpiled file by file (with --tests)
// Flags: --release (minified, no source maps), --watch, --tests.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, statSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = new Set(process.argv.slice(2));
const release = args.has('--release');
const watch = args.has('--watch');
const withTests = args.has('--tests') || watch;

/**
 * dockerode requires its BuildKit session (grpc + protobuf, and a .proto file read via __dirname)
 * eagerly, and docker-modem requires ssh2 (with a native optional module) eagerly. Neither is
 * needed to talk to a local engine: swap the session for a stub that reports BuildKit as
 * unsupported, and the ssh agent for a loader of dist/ssh.js, built separately. tar-fs (with
 * tar-stream and bl) packs a build context only: it becomes a loader of dist/tar.js, so the first
 * frame does not pay for it.
 */
const leanDockerode = {
  name: 'lean-dockerode',
  setup(build) {
    build.onResolve({ filter: /^\.\/(session|buildkit)$/ }, (a) =>
      /[\\/]dockerode[\\/]lib$/.test(a.resolveDir) ? { path: a.path, namespace: 'cws-stub' } : undefined,
    );
    build.onResolve({ filter: /^\.\/ssh$/ }, (a) =>
      /[\\/]docker-modem[\\/]lib$/.test(a.resolveDir) ? { path: 'ssh', namespace: 'cws-stub' } : undefined,
    );
    // docker-modem's HTTP duplex takes Duplex from readable-stream 3, a 37 KB copy of Node's own
    // streams (what the package hands out itself under READABLE_STREAM=disable): Node's are used.
    build.onResolve({ filter: /^readable-stream$/ }, (a) =>
      /[\\/]docker-modem[\\/]lib$/.test(a.resolveDir) ? { path: 'streams', namespace: 'cws-stub' } : undefined,
    );
    build.onResolve({ filter: /^tar-fs$/ }, (a) =>
      /[\\/]dockerode[\\/]lib$/.test(a.resolveDir) ? { path: 'tar', namespace: 'cws-stub' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'cws-stub' }, (a) => {
      if (a.path === 'tar') {
        const load = "require(require('path').join(__dirname, 'tar.js'))";
        return { contents: `module.exports = { pack: (...a) => ${load}.pack(...a) };` };
      }
      if (a.path === 'streams') {
        const names = ['Readable', 'Writable', 'Duplex', 'Transform', 'PassThrough', 'pipeline', 'finished'];
        return {
          contents: `const S = require('stream'); module.exports = { Stream: S, ${names.map((n) => `${n}: S.${n}`)} };`,
        };
      }
      if (a.path === 'ssh') {
        // Resolved at run time next to the bundle that asked for it.
        return {
          contents:
            "module.exports = function (opt) { return require(require('path').join(__dirname, 'ssh.js'))(opt); };",
        };
      }
      const msg = 'BuildKit builds are not supported by Container Workspaces; the classic builder is used.';
      return a.path === './session'
        ? { contents: `module.exports = function (docker, auth, cb) { cb(new Error(${JSON.stringify(msg)})); };` }
        : { contents: `module.exports = { followProgress() { throw new Error(${JSON.stringify(msg)}); } };` };
    });
  },
};

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: release,
  sourcemap: release ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  // Native optional modules of ssh2: it catches their absence and uses pure JS.
  external: ['vscode', 'cpu-features', '*.node'],
  plugins: [leanDockerode],
  legalComments: 'none',
  // ESM builds first: jsonc-parser's UMD build requires its own files at run time, which breaks bundling.
  mainFields: ['module', 'main'],
};

function webviewEntries() {
  const dir = 'src/webview';
  if (!existsSync(dir)) return {};
  const out = {};
  for (const name of readdirSync(dir)) {
    const main = join(dir, name, 'main.ts');
    if (existsSync(main)) out[name] = main;
  }
  return out;
}

function tsFiles(dir) {
  const files = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (e === 'fixtures' || e === 'node_modules') continue;
    if (statSync(p).isDirectory()) files.push(...tsFiles(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(p);
  }
  return files;
}

const configs = [
  {
    ...node,
    entryPoints: {
      extension: 'src/vscode/extension.ts',
      cws: 'src/cli/cws.ts',
      background: 'src/core/background.ts',
      detectionWorker: 'src/core/detection/worker/bundle.ts',
    },
    outdir: 'dist',
  },
  {
    ...node,
    entryPoints: { ssh: 'node_modules/docker-modem/lib/ssh.js', tar: 'node_modules/tar-fs/index.js' },
    outdir: 'dist',
    plugins: [],
  },
];
const webviews = webviewEntries();
if (Object.keys(webviews).length) {
  configs.push({
    entryPoints: webviews,
    outdir: 'media',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: release,
    sourcemap: release ? false : 'linked',
    logLevel: 'warning',
  });
}
if (withTests) {
  configs.push({
    entryPoints: [...tsFiles('src'), ...tsFiles('test')],
    outdir: 'out',
    outbase: '.',
    bundle: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

if (release) {
  rmSync('dist', { recursive: true, force: true });
  // A dev build's source maps next to the webview scripts would be packaged otherwise.
  if (existsSync('media')) for (const f of readdirSync('media')) if (f.endsWith('.map')) rmSync(join('media', f));
}
if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
  console.log('[esbuild] watching src/ and test/ …');
} else {
  const t0 = Date.now();
  await Promise.all(configs.map((c) => esbuild.build(c)));
  const size = (f) => (existsSync(f) ? `${(statSync(f).size / 1024).toFixed(0)} KB` : '-');
  console.log(
    `[esbuild] ${release ? 'release' : 'dev'} build in ${Date.now() - t0} ms: ` +
      `extension ${size('dist/extension.js')}, background ${size('dist/background.js')}, detectionWorker ${size('dist/detectionWorker.js')}, cws ${size('dist/cws.js')}, ssh ${size('dist/ssh.js')}, tar ${size('dist/tar.js')}` +
      (withTests ? `, tests → ${relative('.', 'out')}/` : ''),
  );
}
