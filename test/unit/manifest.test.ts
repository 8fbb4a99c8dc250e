// package.json against the code and itself: the commands it contributes are the ones the extension
// registers (read from src/vscode/commands with the TypeScript parser, not by running it: those
// modules import `vscode`), menus name contributed commands, every user-visible text is a %key% of
// package.nls.json, and the marketplace and Restricted Mode fields are there.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';
import { repoRoot } from '../support/paths';

interface Command {
  command: string;
  title: string;
  category?: string;
}
interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents?: string[];
}
interface Setting {
  scope?: string;
}
interface Manifest {
  icon?: string;
  l10n?: string;
  categories: string[];
  keywords: string[];
  extensionKind?: string[];
  repository?: { type: string; url: string };
  scripts: Record<string, string>;
  capabilities: {
    untrustedWorkspaces: { supported: string; description: string; restrictedConfigurations?: string[] };
  };
  contributes: {
    commands: Command[];
    menus: Record<string, { command: string; when?: string }[]>;
    viewsContainers: Record<string, { id: string }[]>;
    views: Record<string, { id: string }[]>;
    configuration: { properties: Record<string, Setting> };
    walkthroughs: { id: string; title: string; description: string; steps: Step[] }[];
  };
}

const readJson = <T>(file: string) => JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) as T;
const manifest = readJson<Manifest>('package.json');
const nls = readJson<Record<string, string>>('package.nls.json');
const NLS_KEY = /^%([\w.-]+)%$/;

// --- The registered commands, from the source's syntax tree ---------------------------------------

const parsed = new Map<string, ts.SourceFile>();
function source(file: string): ts.SourceFile {
  let sf = parsed.get(file);
  if (!sf) parsed.set(file, (sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true)));
  return sf;
}
const where = (file: string) => relative(repoRoot, file);

/** The declaration `name` stands for in `file`: a local const or function, or what it imports. */
function declaration(
  file: string,
  name: string,
): { file: string; node: ts.VariableDeclaration | ts.FunctionDeclaration } {
  for (const st of source(file).statements) {
    if (
      ts.isImportDeclaration(st) &&
      st.importClause?.namedBindings &&
      ts.isNamedImports(st.importClause.namedBindings)
    ) {
      const el = st.importClause.namedBindings.elements.find((e) => e.name.text === name);
      if (el) {
        const base = resolve(dirname(file), (st.moduleSpecifier as ts.StringLiteral).text);
        const target = [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
        assert.ok(target, `${where(file)}: cannot find the module of ${name}`);
        return declaration(target, (el.propertyName ?? el.name).text);
      }
    }
    if (ts.isFunctionDeclaration(st) && st.name?.text === name) return { file, node: st };
    if (ts.isVariableStatement(st)) {
      const d = st.declarationList.declarations.find((x) => ts.isIdentifier(x.name) && x.name.text === name);
      if (d) return { file, node: d };
    }
  }
  assert.fail(`${where(file)}: no declaration of ${name}`);
}

function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

function stringProperty(o: ts.ObjectLiteralExpression, key: string): string | undefined {
  for (const p of o.properties)
    if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === key) {
      const v = unwrap(p.initializer);
      if (ts.isStringLiteralLike(v)) return v.text;
    }
  return undefined;
}

/**
 * A command's id: the `id` of its object literal, or, when a factory makes it, the argument given
 * for the factory's `id` parameter (or the `id` of the options object it takes).
 */
function commandId(file: string, name: string): string {
  const { file: at, node } = declaration(file, name);
  const init = ts.isVariableDeclaration(node) && node.initializer ? unwrap(node.initializer) : undefined;
  if (init && ts.isObjectLiteralExpression(init)) {
    const id = stringProperty(init, 'id');
    if (id) return id;
  }
  if (init && ts.isCallExpression(init) && ts.isIdentifier(init.expression)) {
    const factory = declaration(at, init.expression.text);
    const fn = ts.isFunctionDeclaration(factory.node)
      ? factory.node
      : factory.node.initializer && unwrap(factory.node.initializer);
    if (fn && (ts.isFunctionDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) {
      for (const [i, p] of fn.parameters.entries()) {
        const arg = init.arguments[i] && unwrap(init.arguments[i]);
        if (!arg) continue;
        if (ts.isIdentifier(p.name) && p.name.text === 'id' && ts.isStringLiteralLike(arg)) return arg.text;
        if (ts.isObjectLiteralExpression(arg)) {
          const id = stringProperty(arg, 'id');
          if (id) return id;
        }
      }
    }
  }
  assert.fail(`${where(at)}: cannot read the id of command ${name}`);
}

/** The ids of the commands src/vscode/commands/index.ts registers (its COMMANDS array), in order. */
function registeredCommandIds(): string[] {
  const index = join(repoRoot, 'src/vscode/commands/index.ts');
  const { node } = declaration(index, 'COMMANDS');
  const list = ts.isVariableDeclaration(node) && node.initializer && unwrap(node.initializer);
  assert.ok(list && ts.isArrayLiteralExpression(list), 'COMMANDS is an array literal');
  return list.elements.map((e) => {
    assert.ok(ts.isIdentifier(e), `COMMANDS holds names of commands, not ${e.getText()}`);
    return commandId(index, e.text);
  });
}

// --- Localised strings -----------------------------------------------------------------------------

/** Every string in the manifest, with its JSON path. */
function strings(v: unknown, path = ''): { path: string; value: string }[] {
  if (typeof v === 'string') return [{ path, value: v }];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${path}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => strings(x, path ? `${path}.${k}` : k));
  return [];
}

/** Properties whose strings a user reads. */
const TEXT = new Set([
  'title',
  'category',
  'name',
  'contextualTitle',
  'contents',
  'description',
  'markdownDescription',
  'enumDescriptions',
  'markdownEnumDescriptions',
  'deprecationMessage',
  'markdownDeprecationMessage',
  'label',
  'altText',
]);

describe('package.json', () => {
  const contributed = manifest.contributes.commands.map((c) => c.command);

  it('contributes exactly the commands the extension registers', () => {
    const registered = registeredCommandIds();
    assert.ok(registered.length >= 29, `${registered.length} commands read from COMMANDS`);
    assert.equal(new Set(registered).size, registered.length, 'registered once each');
    assert.equal(new Set(contributed).size, contributed.length, 'contributed once each');
    assert.deepEqual([...contributed].sort(), [...registered].sort());
  });

  it('the reader follows factories: copyCommand(id, …), lifecycleCommand({ id }), composeVerbCommand({ id })', () => {
    const dir = join(repoRoot, 'src/vscode/commands');
    assert.equal(commandId(join(dir, 'index.ts'), 'copyContainerId'), 'containerWorkspaces.copyContainerId');
    assert.equal(commandId(join(dir, 'index.ts'), 'startContainer'), 'containerWorkspaces.startContainer');
    assert.equal(commandId(join(dir, 'index.ts'), 'composeUp'), 'containerWorkspaces.composeUp');
    assert.equal(commandId(join(dir, 'index.ts'), 'refresh'), 'containerWorkspaces.refresh');
  });

  it('menus name contributed commands only', () => {
    for (const [menu, entries] of Object.entries(manifest.contributes.menus))
      for (const e of entries) assert.ok(contributed.includes(e.command), `${menu}: ${e.command} is contributed`);
  });

  it('every contributed command has a title and a category, both %keys% of package.nls.json', () => {
    for (const c of manifest.contributes.commands) {
      for (const field of ['title', 'category'] as const) {
        const m = NLS_KEY.exec(c[field] ?? '');
        assert.ok(m, `${c.command}: ${field} is a %key% (${c[field]})`);
        assert.ok(nls[m[1]], `${c.command}: ${m[1]} is in package.nls.json`);
      }
      assert.equal(
        c.title,
        `%command.${c.command.replace('containerWorkspaces.', '')}.title%`,
        'the key names the command',
      );
    }
  });

  it('every user-visible text is a %key%; every key has its English text and every text is used', () => {
    const all = strings(manifest);
    const visible = all.filter(
      (s) =>
        ['displayName', 'description', 'capabilities.untrustedWorkspaces.description'].includes(s.path) ||
        (s.path.startsWith('contributes.') &&
          TEXT.has(
            s.path
              .replace(/\[\d+\]$/, '')
              .split('.')
              .pop() ?? '',
          )),
    );
    assert.ok(visible.length > 60, `${visible.length} texts`);
    for (const s of visible) assert.match(s.value, NLS_KEY, `${s.path} is localised`);
    const used = new Set(all.flatMap((s) => NLS_KEY.exec(s.value)?.[1] ?? []));
    for (const k of used) assert.ok(typeof nls[k] === 'string' && nls[k].trim(), `${k} has a text in package.nls.json`);
    assert.deepEqual(
      Object.keys(nls).filter((k) => !used.has(k)),
      [],
      'package.nls.json has no unused keys',
    );
  });

  it('command links in the texts (welcome views, walkthrough) run contributed commands or our view', () => {
    const builtIn = manifest.contributes.viewsContainers.activitybar.map((c) => `workbench.view.extension.${c.id}`);
    const links = Object.values(nls).flatMap((t) => [...t.matchAll(/\]\(command:([\w.-]+)/g)].map((m) => m[1]));
    assert.ok(links.length >= 10);
    for (const id of links) assert.ok(contributed.includes(id) || builtIn.includes(id), `${id} exists`);
  });

  it('Restricted Mode: a folder cannot choose the runtime, an engine address or a program', () => {
    const u = manifest.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    assert.match(u.description, NLS_KEY);
    const restricted = u.restrictedConfigurations ?? [];
    const settings = manifest.contributes.configuration.properties;
    for (const s of restricted) assert.ok(settings[s], `${s} is a setting`);
    for (const s of [
      'containerWorkspaces.runtime',
      'containerWorkspaces.docker.host',
      'containerWorkspaces.podman.host',
      'containerWorkspaces.apple.cliPath',
    ])
      assert.ok(restricted.includes(s), `${s} is restricted`);
    // A machine-scoped setting is a path or an address on this machine: a workspace must not set it either.
    for (const [name, s] of Object.entries(settings))
      if (s.scope === 'machine') assert.ok(restricted.includes(name), `${name} (machine scope) is restricted`);
  });

  it('a getting-started walkthrough: runtime, Containers view, workspace container, stats', () => {
    const [w] = manifest.contributes.walkthroughs;
    assert.ok(w, 'one walkthrough');
    assert.match(w.title, NLS_KEY);
    assert.deepEqual(
      w.steps.map((s) => s.id),
      ['selectRuntime', 'openContainersView', 'createWorkspaceContainer', 'showStats'],
    );
    const button: Record<string, string> = {
      selectRuntime: 'containerWorkspaces.selectRuntime',
      openContainersView: 'workbench.view.extension.containerWorkspaces',
      createWorkspaceContainer: 'containerWorkspaces.createWorkspaceContainer',
      showStats: 'containerWorkspaces.showStats',
    };
    const views = Object.values(manifest.contributes.views).flatMap((v) => v.map((x) => x.id));
    for (const s of w.steps) {
      const text = nls[NLS_KEY.exec(s.description)?.[1] ?? ''];
      assert.ok(text?.includes(`(command:${button[s.id]})`), `${s.id}: a button running ${button[s.id]}`);
      assert.ok(s.media.markdown && existsSync(join(repoRoot, s.media.markdown)), `${s.id}: its markdown exists`);
      assert.ok(s.completionEvents?.includes(`onCommand:${button[s.id]}`), `${s.id}: completed by its command`);
      for (const e of s.completionEvents ?? []) {
        const [kind, id] = e.split(':');
        if (kind === 'onView') assert.ok(views.includes(id), `${e}: a view of ours`);
        else assert.equal(kind, 'onCommand', e);
      }
    }
  });

  it('marketplace fields: a 128×128 PNG icon, repository, license, categories, keywords, workspace kind', () => {
    assert.equal(manifest.icon, 'media/icon.png');
    const png = readFileSync(join(repoRoot, manifest.icon));
    assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'a PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], '128×128');
    assert.match(manifest.repository?.url ?? '', /^https:\/\/github\.com\//);
    assert.ok(existsSync(join(repoRoot, 'LICENSE')) && existsSync(join(repoRoot, 'CHANGELOG.md')));
    assert.doesNotMatch(manifest.scripts.package, /--skip-license|--allow-missing-repository/);
    assert.ok(manifest.categories.length && !manifest.categories.includes('Programming Languages'));
    assert.ok(manifest.keywords.length > 5 && manifest.keywords.length <= 30, `${manifest.keywords.length} keywords`);
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    assert.equal(manifest.l10n, './l10n');
  });
});
