// The `viewItem` clauses of package.json's menus against every contextValue the tree rows can have:
// each menu entry shows on some row, and the key ones on exactly the right rows. The values come from
// the real builders (src/vscode/views/contextValues.ts) over every state × capability × ports × tunnel
// × runtime, so a builder that changes its flags (or their order) and a menu that no longer fits fail.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import type { ContainerState, PortMapping, RuntimeCapabilities, RuntimeId } from '../../src/core/runtime/types';
import type { ServiceState } from '../../src/core/workspace/membership';
import {
  composeProjectContextValue,
  composeServiceContextValue,
  containerContextValue,
  devcontainerContextValue,
  imageContextValue,
  imageGroupContextValue,
  networkContextValue,
  volumeContextValue,
} from '../../src/vscode/views/contextValues';
import type { TunnelInfo } from '../../src/vscode/tunnels/tunnelManager';
import { repoRoot } from '../support/paths';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}
interface Manifest {
  contributes: { menus: Record<string, MenuEntry[]> };
}

const VIEWS = [
  'containerWorkspaces.containers',
  'containerWorkspaces.services',
  'containerWorkspaces.images',
  'containerWorkspaces.volumes',
  'containerWorkspaces.networks',
] as const;
type View = (typeof VIEWS)[number];
type Kind =
  | 'container'
  | 'composeGroup'
  | 'composeProject'
  | 'composeService'
  | 'devcontainer'
  | 'image'
  | 'imageGroup'
  | 'volume'
  | 'network';

/** One tree row the code can produce, with what it was made from. */
interface Row {
  view: View;
  kind: Kind;
  value: string;
  state?: ContainerState | ServiceState;
  canPause?: boolean;
  canRestart?: boolean;
  /** A published port (a host port to open). */
  web?: boolean;
  tunnel?: boolean;
  /** The runtime can run Compose. */
  compose?: boolean;
  /** An image, volume or network a container uses; a network of the engine's own. */
  inUse?: boolean;
  builtIn?: boolean;
}

// Exhaustive by type: adding a state to ContainerState or ServiceState without listing it here fails tsc.
const CONTAINER_STATES = Object.keys({
  created: 1,
  running: 1,
  paused: 1,
  restarting: 1,
  removing: 1,
  exited: 1,
  dead: 1,
  unknown: 1,
} satisfies Record<ContainerState, 1>) as ContainerState[];
const SERVICE_STATES: ServiceState[] = [
  ...CONTAINER_STATES,
  ...(Object.keys({ notCreated: 1, partial: 1 } satisfies Record<
    Exclude<ServiceState, ContainerState>,
    1
  >) as ServiceState[]),
];
const RUNTIMES: (RuntimeId | undefined)[] = [
  ...(Object.keys({ docker: 1, podman: 1, apple: 1 } satisfies Record<RuntimeId, 1>) as RuntimeId[]),
  undefined,
];
const CAPS: (RuntimeCapabilities | undefined)[] = [
  undefined,
  ...[false, true].flatMap((pause) =>
    [false, true].map((restart) => ({ pause, restart, eventsPushed: true, build: true, exitCodes: true })),
  ),
];
const PORTS: PortMapping[][] = [
  [],
  [{ containerPort: 80, protocol: 'tcp' }],
  [
    { containerPort: 53, protocol: 'udp' },
    { containerPort: 80, hostPort: 8080, hostIp: '0.0.0.0', protocol: 'tcp' },
  ],
];
const TUNNELS: (TunnelInfo | undefined)[] = [
  undefined,
  { name: 'starting' },
  { name: 'login', login: { code: 'ABCD-1234', url: 'https://github.com/login/device' } },
  { name: 'up', url: 'https://vscode.dev/tunnel/up' },
];

type ContainerValue = typeof containerContextValue;

/** Every row of both views, container rows made by `build`. */
function rows(build: ContainerValue = containerContextValue): Row[] {
  const out: Row[] = [];
  for (const state of CONTAINER_STATES)
    for (const caps of CAPS)
      for (const ports of PORTS)
        for (const tunnel of TUNNELS) {
          const row = {
            kind: 'container' as const,
            state,
            canPause: !!caps?.pause,
            canRestart: !!caps?.restart,
            web: ports.some((p) => p.hostPort),
            tunnel: !!tunnel,
          };
          // The Containers view passes the container's tunnel; the Services view's replicas have none.
          out.push({ ...row, view: VIEWS[0], value: build({ state, ports }, caps, tunnel) });
          if (!tunnel) out.push({ ...row, view: VIEWS[1], value: build({ state, ports }, caps) });
        }
  // containersTree.ts sets this literal on a Compose project's group row.
  out.push({ view: VIEWS[0], kind: 'composeGroup', value: 'composeGroup' });
  for (const runtime of RUNTIMES) {
    const compose = runtime === 'docker' || runtime === 'podman';
    out.push({ view: VIEWS[1], kind: 'composeProject', compose, value: composeProjectContextValue(runtime) });
    for (const state of SERVICE_STATES)
      out.push({
        view: VIEWS[1],
        kind: 'composeService',
        state,
        compose,
        value: composeServiceContextValue(state, runtime),
      });
  }
  for (const state of SERVICE_STATES)
    out.push({ view: VIEWS[1], kind: 'devcontainer', state, value: devcontainerContextValue(state) });
  for (const inUse of [false, true]) {
    for (const dangling of [false, true])
      out.push({ view: VIEWS[2], kind: 'image', inUse, value: imageContextValue({ inUse, dangling }) });
    out.push({ view: VIEWS[3], kind: 'volume', inUse, value: volumeContextValue(inUse) });
    for (const builtIn of [false, true])
      out.push({ view: VIEWS[4], kind: 'network', inUse, builtIn, value: networkContextValue({ builtIn, inUse }) });
  }
  for (const dangling of [false, true])
    out.push({ view: VIEWS[2], kind: 'imageGroup', value: imageGroupContextValue(dangling) });
  return out;
}

type Test = (value: string) => boolean;

/** A when clause's `view` and `viewItem` terms (a conjunction; other context keys do not depend on the row). */
function parseWhen(when: string): { views: View[]; viewItem: Test[] } {
  assert.ok(!when.includes('||'), `a menu's when clause with || is not understood here: ${when}`);
  let views: View[] = [...VIEWS];
  const viewItem: Test[] = [];
  for (const term of when.split('&&').map((t) => t.trim())) {
    const m = /^(view|viewItem)\s*(==|!=|=~)\s*(.+)$/.exec(term);
    if (!m) {
      assert.ok(!/\bview(Item)?\b/.test(term.replace(/containerWorkspaces\.\w+/g, '')), `not understood: ${term}`);
      continue;
    }
    const [, key, op, operand] = m;
    let test: Test;
    if (op === '=~') {
      const re = /^\/(.*)\/([a-z]*)$/s.exec(operand);
      assert.ok(re, `not a regular expression: ${operand}`);
      const regex = new RegExp(re[1], re[2]);
      test = (v) => regex.test(v);
    } else {
      test = op === '==' ? (v) => v === operand : (v) => v !== operand;
    }
    if (key === 'view') views = views.filter(test);
    else viewItem.push(test);
  }
  return { views, viewItem };
}

const has =
  (...states: string[]) =>
  (r: Row) =>
    states.includes(r.state ?? '');
const container = (p: (r: Row) => boolean) => (r: Row) => r.kind === 'container' && p(r);
const anyContainer = container(() => true);
const running = has('running');
/** Compose commands: only where the runtime runs Compose, on projects and the services `p` allows. */
const compose =
  (service: (r: Row) => boolean, project = true) =>
  (r: Row) =>
    !!r.compose && ((project && r.kind === 'composeProject') || (r.kind === 'composeService' && service(r)));

/**
 * The rows each command's menu entries must show on, all of them and no other: `menu` for the
 * context menu, `inline` for the row's buttons (the same as `menu` unless given).
 */
const EXPECTED: Record<string, { menu?: (r: Row) => boolean; inline?: (r: Row) => boolean }> = {
  'containerWorkspaces.startContainer': { menu: container(has('created', 'exited', 'dead')) },
  'containerWorkspaces.stopContainer': { menu: container(has('running', 'paused', 'restarting')) },
  'containerWorkspaces.restartContainer': {
    menu: container((r) => !!r.canRestart && has('running', 'paused', 'restarting', 'exited', 'created', 'dead')(r)),
  },
  'containerWorkspaces.pauseContainer': { menu: container((r) => !!r.canPause && running(r)) },
  'containerWorkspaces.unpauseContainer': { menu: container(has('paused')) },
  'containerWorkspaces.openInBrowser': { menu: container((r) => !!r.web && running(r)) },
  'containerWorkspaces.inspectContainer': { menu: anyContainer },
  'containerWorkspaces.showStats': { menu: container(running) },
  'containerWorkspaces.copyContainerId': { menu: anyContainer },
  'containerWorkspaces.copyContainerName': { menu: anyContainer },
  'containerWorkspaces.removeContainer': { menu: anyContainer },
  'containerWorkspaces.followLogs': { menu: anyContainer },
  'containerWorkspaces.runInContainer': { menu: container(running) },
  'containerWorkspaces.openShell': {
    inline: container(running),
    menu: (r) => container(running)(r) || compose(has('running', 'partial'), false)(r),
  },
  'containerWorkspaces.startTunnel': { menu: container((r) => running(r) && !r.tunnel) },
  'containerWorkspaces.stopTunnel': { menu: container((r) => running(r) && !!r.tunnel) },
  'containerWorkspaces.composeUp': {
    inline: compose(has('notCreated', 'created', 'exited', 'dead')),
    menu: compose(() => true),
  },
  'containerWorkspaces.composeDown': { menu: compose(() => false) },
  'containerWorkspaces.composeStart': { menu: compose(has('created', 'exited', 'dead', 'partial')) },
  'containerWorkspaces.composeStop': {
    inline: compose(has('running', 'partial', 'paused', 'restarting'), false),
    menu: compose(has('running', 'partial', 'paused', 'restarting')),
  },
  'containerWorkspaces.composeRestart': { menu: compose(has('running', 'partial', 'exited', 'created', 'dead')) },
  'containerWorkspaces.composeLogs': { menu: compose((r) => r.state !== 'notCreated') },
  // Every image row, in use or not (one in use is named and kept unless forced); never a group.
  'containerWorkspaces.removeImage': { menu: (r) => r.kind === 'image' },
  'containerWorkspaces.tagImage': { menu: (r) => r.kind === 'image' },
  'containerWorkspaces.copyImageId': { menu: (r) => r.kind === 'image' },
  'containerWorkspaces.removeVolume': { menu: (r) => r.kind === 'volume' },
  // The engine's own networks have no Remove.
  'containerWorkspaces.removeNetwork': { menu: (r) => r.kind === 'network' && !r.builtIn },
};

const BUILDERS = new Set([
  containerContextValue.name,
  composeProjectContextValue.name,
  composeServiceContextValue.name,
  devcontainerContextValue.name,
  imageContextValue.name,
  imageGroupContextValue.name,
  volumeContextValue.name,
  networkContextValue.name,
]);

/** Every `….contextValue = …` in src/vscode: the builder it calls, or the literal it sets. */
function contextValueAssignments(
  dir = join(repoRoot, 'src/vscode'),
): { at: string; builder?: string; literal?: string }[] {
  const out: { at: string; builder?: string; literal?: string }[] = [];
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) {
      out.push(...contextValueAssignments(file));
      continue;
    }
    if (!file.endsWith('.ts')) continue;
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (n: ts.Node): void => {
      if (
        ts.isBinaryExpression(n) &&
        n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isPropertyAccessExpression(n.left) &&
        n.left.name.text === 'contextValue'
      ) {
        const at = `${relative(repoRoot, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
        const r = n.right;
        if (ts.isStringLiteralLike(r)) out.push({ at, literal: r.text });
        else if (ts.isCallExpression(r) && ts.isIdentifier(r.expression)) out.push({ at, builder: r.expression.text });
        else out.push({ at });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

const show = (r: Row) => `${r.value} (${r.view.replace('containerWorkspaces.', '')})`;

/** What is wrong with the menus over these rows; empty when nothing is. */
function problems(entries: MenuEntry[], all: Row[]): string[] {
  const out: string[] = [];
  // Per command and place (inline or menu): the rows its entries show on, together.
  const shown = new Map<string, { rows: Set<Row>; views: Set<View> }>();
  for (const e of entries) {
    const { views, viewItem } = parseWhen(e.when ?? '');
    if (!viewItem.length) continue;
    const matched = all.filter((r) => views.includes(r.view) && viewItem.every((t) => t(r.value)));
    if (!matched.length) out.push(`${e.command} (${e.group}) shows on no row: ${e.when}`);
    const place = e.group?.startsWith('inline') ? 'inline' : 'menu';
    const key = `${e.command} ${place}`;
    const s = shown.get(key) ?? { rows: new Set<Row>(), views: new Set<View>() };
    matched.forEach((r) => s.rows.add(r));
    views.forEach((v) => s.views.add(v));
    shown.set(key, s);
  }
  for (const [key, s] of shown) {
    const [command, place] = key.split(' ') as [string, 'inline' | 'menu'];
    const expect = EXPECTED[command]?.[place] ?? EXPECTED[command]?.menu;
    if (!expect) continue;
    const should = all.filter((r) => s.views.has(r.view) && expect(r));
    const extra = [...s.rows].filter((r) => !should.includes(r));
    const missing = should.filter((r) => !s.rows.has(r));
    if (extra.length) out.push(`${key} shows on rows it should not: ${[...new Set(extra.map(show))].join(', ')}`);
    if (missing.length) out.push(`${key} is missing on: ${[...new Set(missing.map(show))].join(', ')}`);
  }
  return out;
}

describe('menus against the rows they show on', () => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
  const itemMenu = manifest.contributes.menus['view/item/context'];
  const all = rows();

  it('the builders: container.<state> first, then its flags', () => {
    assert.equal(containerContextValue({ state: 'exited', ports: [] }, undefined), 'container.exited');
    assert.equal(
      containerContextValue(
        { state: 'running', ports: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }] },
        { pause: true, restart: true, eventsPushed: true, build: true, exitCodes: true },
        { name: 't' },
      ),
      'container.running.canPause.canRestart.web.tunnel',
    );
    assert.equal(composeProjectContextValue('docker'), 'composeProject.compose');
    assert.equal(composeProjectContextValue('apple'), 'composeProject');
    assert.equal(composeServiceContextValue('notCreated', 'podman'), 'composeService.notCreated.compose');
    assert.equal(devcontainerContextValue('running'), 'devcontainer.running');
    // Hundreds of combinations; every container value starts with its state.
    for (const r of all.filter((x) => x.kind === 'container')) assert.ok(r.value.startsWith(`container.${r.state}`));
  });

  it('the views set contextValue only through these builders, or a literal this test lists', () => {
    const found = contextValueAssignments();
    assert.ok(found.length >= 5, found.map((f) => f.at).join(', '));
    const values = new Set(all.map((r) => r.value));
    for (const f of found) {
      if (f.literal !== undefined) assert.ok(values.has(f.literal), `${f.at}: '${f.literal}' is among the rows here`);
      else assert.ok(f.builder && BUILDERS.has(f.builder), `${f.at}: set through a contextValues.ts builder`);
    }
  });

  it('every view/item/context entry has a viewItem clause this test understands', () => {
    assert.ok(itemMenu.length > 20);
    for (const e of itemMenu) {
      assert.ok(e.when, `${e.command} has a when clause`);
      assert.ok(parseWhen(e.when).viewItem.length, `${e.command} (${e.group}) keys on viewItem`);
      assert.ok(parseWhen(e.when).views.length, `${e.command} (${e.group}) is in one of our views`);
    }
  });

  it('each entry shows on some row, and the key ones on exactly the right rows', () => {
    assert.deepEqual(problems(itemMenu, all), []);
    // Every command with an expectation is in the menu (a renamed command would skip its check).
    for (const command of Object.keys(EXPECTED))
      assert.ok(
        itemMenu.some((e) => e.command === command),
        `${command} is in view/item/context`,
      );
  });

  it('Start, Stop, Pause, Open in Browser and the tunnel commands, spelled out', () => {
    const on = (command: string, value: string, view: View = VIEWS[0]) =>
      itemMenu
        .filter((e) => e.command === command)
        .some((e) => {
          const w = parseWhen(e.when ?? '');
          return w.views.includes(view) && w.viewItem.every((t) => t(value));
        });
    assert.ok(on('containerWorkspaces.startContainer', 'container.exited.canPause.canRestart'));
    assert.ok(!on('containerWorkspaces.startContainer', 'container.running.canPause.canRestart'));
    assert.ok(on('containerWorkspaces.stopContainer', 'container.restarting'));
    assert.ok(!on('containerWorkspaces.stopContainer', 'container.exited.web'));
    assert.ok(on('containerWorkspaces.pauseContainer', 'container.running.canPause'));
    assert.ok(!on('containerWorkspaces.pauseContainer', 'container.running.canRestart'), 'Apple: no pause');
    assert.ok(!on('containerWorkspaces.pauseContainer', 'container.paused.canPause'));
    assert.ok(on('containerWorkspaces.openInBrowser', 'container.running.canRestart.web'));
    assert.ok(!on('containerWorkspaces.openInBrowser', 'container.exited.canRestart.web'));
    assert.ok(!on('containerWorkspaces.openInBrowser', 'container.running.canRestart'));
    assert.ok(on('containerWorkspaces.startTunnel', 'container.running.web'));
    assert.ok(!on('containerWorkspaces.startTunnel', 'container.running.web.tunnel'));
    assert.ok(on('containerWorkspaces.stopTunnel', 'container.running.canPause.tunnel'));
    assert.ok(!on('containerWorkspaces.stopTunnel', 'container.running.canPause'));
    assert.ok(!on('containerWorkspaces.composeUp', 'composeProject', VIEWS[1]), 'no Compose on Apple');
    assert.ok(on('containerWorkspaces.composeUp', 'composeProject.compose', VIEWS[1]));
  });

  it('the check fails when a builder puts its flags before the state', () => {
    const reordered: ContainerValue = (c, caps, tunnel) => {
      const [, state, ...flags] = containerContextValue(c, caps, tunnel).split('.');
      return ['container', ...flags, state].join('.');
    };
    const found = problems(itemMenu, rows(reordered));
    assert.ok(
      found.some((p) => p.startsWith('containerWorkspaces.pauseContainer')),
      found.join('\n'),
    );
    assert.ok(found.some((p) => p.startsWith('containerWorkspaces.startContainer')));
  });

  it('the check fails when a builder drops or renames a flag', () => {
    const noWeb: ContainerValue = (c, caps, tunnel) => containerContextValue(c, caps, tunnel).replace('.web', '.ports');
    assert.ok(problems(itemMenu, rows(noWeb)).some((p) => p.startsWith('containerWorkspaces.openInBrowser')));
    const noTunnel: ContainerValue = (c, caps) => containerContextValue(c, caps);
    assert.ok(problems(itemMenu, rows(noTunnel)).some((p) => p.startsWith('containerWorkspaces.stopTunnel')));
  });

  it('the check fails when a menu is too wide or too narrow', () => {
    const widen = (command: string, from: string, to: string) =>
      itemMenu.map((e) => (e.command === command ? { ...e, when: e.when?.replace(from, to) } : e));
    const pauseAnywhere = widen('containerWorkspaces.pauseContainer', '.*\\.canPause', '');
    assert.ok(problems(pauseAnywhere, all).some((p) => /pauseContainer menu shows on rows it should not/.test(p)));
    const startNarrow = widen('containerWorkspaces.startContainer', '(created|exited|dead)', '(exited|dead)');
    assert.ok(problems(startNarrow, all).some((p) => /startContainer (inline|menu) is missing on/.test(p)));
  });
});
