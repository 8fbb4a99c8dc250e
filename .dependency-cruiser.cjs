// The layer rules, checked by `npm test` (scripts/test.mjs, stage "layers") and `npm run layers`.
//   src/core     plain Node: imports core, node built-ins and npm dependencies only
//   src/shared   types and protocols used on both sides of a boundary: imports shared only
//   src/cli      cws: core, shared, cli
//   src/vscode   the VS Code face: core, shared, vscode (and `vscode` itself)
//   src/webview  browser code: shared, webview and its npm dependencies (uPlot)
// Type-only imports count too (tsPreCompilationDeps), and no folder may take part in an import cycle.
const LAYER = (name, allowed) => ({
  name: `${name}-imports-only-${allowed.join('-')}`,
  severity: 'error',
  comment: `src/${name} may import ${allowed.map((a) => `src/${a}`).join(', ')} and npm/node modules only.`,
  from: { path: `^src/${name}/` },
  to: { path: '^src/', pathNot: `^src/(${allowed.join('|')})/` },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    LAYER('core', ['core']),
    LAYER('shared', ['shared']),
    LAYER('cli', ['cli', 'core', 'shared']),
    LAYER('vscode', ['vscode', 'core', 'shared']),
    LAYER('webview', ['webview', 'shared']),
    {
      name: 'vscode-module-only-in-src-vscode',
      severity: 'error',
      comment: 'Only src/vscode (and the in-VS Code tests) may import the `vscode` module.',
      from: { path: '^src/', pathNot: '^src/vscode/' },
      to: { path: '^vscode$|node_modules/@types/vscode/' },
    },
    {
      name: 'webview-no-node',
      severity: 'error',
      comment: 'Webview code runs in the browser: no Node built-ins.',
      from: { path: '^src/(webview|shared)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-no-packages',
      severity: 'error',
      comment: 'src/shared is types and protocols: no npm package.',
      from: { path: '^src/shared/' },
      to: { path: 'node_modules/' },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment: 'Folders import each other in one direction only.',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      comment: 'Modules import each other in one direction only.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      from: { path: '^src/' },
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
    {
      name: 'src-not-to-test',
      severity: 'error',
      comment: 'Production code never imports tests or their support.',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
