// Restricted Mode, checked against the code: every command is either marked as needing a trusted
// folder (and its implementation reaches requireTrust, followed through the calls in the source's
// syntax tree: the command modules import `vscode`, so they are read, not run) or as safe to run in
// an untrusted folder (and then it does not ask); every setting that chooses a program, a path or
// an engine address is one a folder cannot set. The behaviour itself is tested in a real untrusted
// workbench (test/vscode/untrusted).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';
import { repoRoot } from '../support/paths';

/**
 * Each command of src/vscode/commands/index.ts (by the name COMMANDS lists it under): `true` when it
 * runs something the folder chose, or runs a program on the folder's behalf; a reason when not.
 */
const NEEDS_TRUST: Record<string, true | string> = {
  refresh: 'lists containers',
  selectRuntime: 'a user setting, chosen by the user',
  showLog: 'shows our log',
  showRuntimeHelp: 'shows help',
  startContainer: "an existing container's own entrypoint, nothing of the folder's",
  stopContainer: 'stops an existing container',
  restartContainer: "an existing container's own entrypoint",
  pauseContainer: 'pauses an existing container',
  unpauseContainer: 'unpauses an existing container',
  removeContainer: 'removes an existing container (asks first)',
  inspectContainer: 'viewing',
  copyContainerId: 'viewing',
  copyContainerName: 'viewing',
  openContainerInBrowser: 'opens a published port in the browser',
  filterContainers: 'viewing',
  clearContainersFilter: 'viewing',
  composeUp: true,
  composeDown: true,
  composeStart: true,
  composeStop: true,
  composeRestart: true,
  composeLogs: true,
  createWorkspaceContainer: true,
  createWorkspaceContainerFromRepository: true,
  rebuildWorkspaceContainer: true,
  openShell:
    'an interactive shell the user types into, in an existing container (as VS Code allows its own terminal in Restricted Mode)',
  runInContainer: true,
  followLogs: 'viewing',
  startTunnel: true,
  stopTunnel: 'ends a tunnel',
  showStats: 'viewing',
  refreshResources: 'lists images, volumes and networks',
  pullImage: 'pulls the image the user types, nothing from the folder',
  tagImage: 'a reference the user types',
  copyImageId: 'viewing',
  removeImage: 'removes an existing image (asks first)',
  removeVolume: 'removes an existing volume (asks first)',
  removeNetwork: 'removes an existing network (asks first)',
  prune: 'removes unused engine things after a preview (asks first)',
};

const SRC = join(repoRoot, 'src');
const parsed = new Map<string, ts.SourceFile>();
function source(file: string): ts.SourceFile {
  let sf = parsed.get(file);
  if (!sf) parsed.set(file, (sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true)));
  return sf;
}

type Decl = { file: string; node: ts.Node };

/** What `name` stands for at the top level of `file` (a function, a const, a class), following relative imports. */
function declaration(file: string, name: string, seen = new Set<string>()): Decl | undefined {
  const key = `${file}#${name}`;
  if (seen.has(key)) return undefined;
  seen.add(key);
  for (const st of source(file).statements) {
    if (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) {
      const spec = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : '';
      if (!spec.startsWith('.')) continue;
      const bindings = ts.isImportDeclaration(st) ? st.importClause?.namedBindings : st.exportClause;
      const elements =
        bindings && (ts.isNamedImports(bindings) || ts.isNamedExports(bindings)) ? bindings.elements : [];
      const el = elements.find((e) => e.name.text === name);
      if (!el) continue;
      const base = resolve(dirname(file), spec);
      const target = [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
      return target ? declaration(target, (el.propertyName ?? el.name).text, seen) : undefined;
    }
    if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name?.text === name)
      return { file, node: st };
    if (ts.isVariableStatement(st)) {
      const d = st.declarationList.declarations.find((x) => ts.isIdentifier(x.name) && x.name.text === name);
      if (d) return { file, node: d };
    }
  }
  return undefined;
}

const NOTIFY = join(SRC, 'vscode/ui/notify.ts');

/**
 * Whether the code of `start` calls requireTrust (ui/notify.ts), directly or through the functions
 * and classes it calls or constructs (by name, across relative imports). Calls on objects
 * (`deps.session.runtime.exec`) are not followed: trust is asked before handing over to them.
 */
function reachesRequireTrust(start: Decl, visited = new Set<ts.Node>()): boolean {
  if (visited.has(start.node)) return false;
  visited.add(start.node);
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && ts.isIdentifier(n.expression)) {
      const callee = n.expression.text;
      const d = declaration(start.file, callee);
      if (callee === 'requireTrust' && d?.file === NOTIFY) {
        found = true;
        return;
      }
      if (d && d.file.startsWith(SRC) && reachesRequireTrust(d, visited)) {
        found = true;
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(start.node);
  return found;
}

/** The names in COMMANDS, each with its declaration. */
function registered(): { name: string; decl: Decl }[] {
  const index = join(SRC, 'vscode/commands/index.ts');
  const list = declaration(index, 'COMMANDS')?.node;
  assert.ok(list && ts.isVariableDeclaration(list) && list.initializer, 'COMMANDS is declared');
  assert.ok(ts.isArrayLiteralExpression(list.initializer), 'COMMANDS is an array literal');
  return list.initializer.elements.map((e) => {
    assert.ok(ts.isIdentifier(e), `COMMANDS holds names, not ${e.getText()}`);
    const decl = declaration(index, e.text);
    assert.ok(decl, `the declaration of ${e.text} is found`);
    return { name: e.text, decl };
  });
}

interface Setting {
  scope?: string;
  description?: string;
  markdownDescription?: string;
}
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, Setting> } };
};
const nls = JSON.parse(readFileSync(join(repoRoot, 'package.nls.json'), 'utf8')) as Record<string, string>;
const english = (s: string | undefined) => (s && /^%(.+)%$/.test(s) ? (nls[s.slice(1, -1)] ?? s) : (s ?? ''));

/** Words that mark a setting as choosing a program, a file to run, or where (and how safely) an engine is reached. */
const CHOOSES_A_PROGRAM_OR_ENGINE =
  /\b(path|paths|command|commands|cli|executable|program|binary|host|hosts|address|socket|endpoint|engine|runtime|context|tls|insecure|verify|verification)\b/i;

describe('Restricted Mode against the code', () => {
  const commands = registered();

  it('every registered command has a trust decision (a new command must make one)', () => {
    assert.ok(commands.length >= 29, `${commands.length} commands`);
    assert.deepEqual(commands.map((c) => c.name).sort(), Object.keys(NEEDS_TRUST).sort());
  });

  it('the commands that run what the folder chose ask for trust first (requireTrust is reached)', () => {
    const needing = commands.filter((c) => NEEDS_TRUST[c.name] === true);
    assert.ok(needing.length >= 9, `${needing.length} commands need trust`);
    for (const c of needing)
      assert.ok(reachesRequireTrust(c.decl), `${c.name} (${relative(repoRoot, c.decl.file)}) calls requireTrust`);
  });

  it('the commands marked safe do not ask (the table is not stale)', () => {
    for (const c of commands.filter((x) => NEEDS_TRUST[x.name] !== true))
      assert.ok(!reachesRequireTrust(c.decl), `${c.name} asks for trust: mark it so in NEEDS_TRUST`);
  });

  it('the reader follows factories and helpers, and can tell a command that does not ask', () => {
    const index = join(SRC, 'vscode/commands/index.ts');
    // composeLogs → composeTerminal → prepareCompose → requireTrust, across three files.
    assert.ok(reachesRequireTrust(declaration(index, 'composeLogs')!));
    // composeUp is made by composeVerbCommand({ … }) → runComposeVerb → prepareCompose.
    assert.ok(reachesRequireTrust(declaration(index, 'composeUp')!));
    assert.ok(!reachesRequireTrust(declaration(index, 'inspectContainer')!));
  });

  it('tasks (commands from tasks.json) ask for trust before running', () => {
    const provider = declaration(join(SRC, 'vscode/tasks/containerTasks.ts'), 'ContainerTaskProvider');
    assert.ok(provider && reachesRequireTrust(provider), 'ContainerTaskProvider calls requireTrust');
  });

  it('every setting that chooses a program, a path or an engine is restricted', () => {
    const u = manifest.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    const restricted = new Set(u.restrictedConfigurations ?? []);
    const settings = Object.entries(manifest.contributes.configuration.properties);
    const choosing = settings.filter(([name, s]) =>
      CHOOSES_A_PROGRAM_OR_ENGINE.test(
        `${name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/\./g, ' ')} ${english(s.markdownDescription ?? s.description)}`,
      ),
    );
    assert.ok(choosing.length >= 4, `${choosing.length} settings choose a program or an engine`);
    for (const [name] of choosing) assert.ok(restricted.has(name), `${name} is in restrictedConfigurations`);
    for (const name of restricted)
      assert.ok(
        settings.some(([n]) => n === name),
        `${name} is a contributed setting`,
      );
  });

  it('the word list is not too narrow: the known program and engine settings match it', () => {
    for (const name of ['containerWorkspaces.apple.cliPath', 'containerWorkspaces.docker.host'])
      assert.match(name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/\./g, ' '), CHOOSES_A_PROGRAM_OR_ENGINE);
    assert.doesNotMatch('containerWorkspaces logs tail How many of the last log lines', CHOOSES_A_PROGRAM_OR_ENGINE);
  });
});
