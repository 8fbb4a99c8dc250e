import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { detectCompose } from '../../src/core/detection/compose';
import { findProjects } from '../../src/core/detection/compose/files';
import { interpolate, parseDotEnv, type InterpolationProblem } from '../../src/core/detection/compose/interpolate';
import { parsePort } from '../../src/core/detection/compose/ports';
import type { ComposeProject, ComposeService, ContextDiagnostic } from '../../src/core/detection/types';
import { fixturesDir, listFixture, read } from '../support/fixtures';

const dir = (name: string, ...rest: string[]) => join(fixturesDir, 'compose', name, ...rest);
const detect = (name: string, env: NodeJS.ProcessEnv = {}) =>
  detectCompose(dir(name), listFixture(dir(name)), read, env);
const byName = (p: ComposeProject) =>
  Object.fromEntries(p.services.map((s) => [s.name, s])) as Record<string, ComposeService>;
/** [severity, relative file, line, column, message] of each diagnostic, for exact comparison. */
const diags = (name: string, list: ContextDiagnostic[]) =>
  list.map((d) => [d.severity, d.file.slice(dir(name).length + 1), d.range.line, d.range.column, d.message]);

/** An in-memory folder: relative path → text. */
function memory(files: Record<string, string>, folder = '/ws') {
  const abs = new Map(Object.entries(files).map(([k, v]) => [join(folder, k), v]));
  return {
    folder,
    files: Object.keys(files),
    read: (p: string) => Promise.resolve(abs.get(p)),
    detect(env: NodeJS.ProcessEnv = {}) {
      return detectCompose(folder, this.files, this.read, env);
    },
  };
}

describe('Compose detection: files and projects', () => {
  it('reads every short and long port form as Compose does', async () => {
    const { projects, diagnostics } = await detect('ports');
    assert.deepEqual(diagnostics, []);
    const gw = projects[0].services[0];
    assert.equal(gw.name, 'gateway');
    assert.deepEqual(gw.ports, [
      { target: 80, published: undefined, hostIp: undefined, protocol: 'tcp' },
      { target: 80, published: '8080', hostIp: undefined, protocol: 'tcp' },
      { target: 443, published: '8443', hostIp: '127.0.0.1', protocol: 'tcp' },
      { target: 53, published: '5353', hostIp: '127.0.0.1', protocol: 'udp' },
      { target: 8000, published: '8000-8002', hostIp: undefined, protocol: 'tcp' },
      { target: 6060, published: '6060', hostIp: '::1', protocol: 'tcp' },
      { target: 9090, published: undefined, hostIp: '127.0.0.1', protocol: 'tcp' },
      { target: 9229, protocol: 'tcp' },
      { target: 3000, published: '3001', hostIp: undefined, protocol: 'tcp' },
      { target: 4000, published: undefined, hostIp: undefined, protocol: 'tcp' },
    ]);
  });

  it("reads the specification's long port form with host_ip and ignores name/app_protocol", async () => {
    const dns = (await detect('ports-spec')).projects[0].services[0];
    assert.deepEqual(dns.ports, [
      { target: 53, published: '5353', protocol: 'udp', hostIp: '127.0.0.1' },
      { target: 9153, published: undefined, protocol: 'tcp', hostIp: undefined },
    ]);
  });

  it('build: string form is the context; object form has context, dockerfile, target; contexts are absolute, URLs kept', async () => {
    const { projects, diagnostics } = await detect('build');
    assert.deepEqual(diagnostics, []);
    const s = byName(projects[0]);
    assert.deepEqual(s.api.build, { context: dir('build', 'api'), dockerfile: undefined, target: undefined });
    assert.deepEqual(s.web.build, { context: dir('build', 'web'), dockerfile: 'Dockerfile.prod', target: 'runtime' });
    assert.deepEqual(s.worker.build, { context: dir('build'), dockerfile: 'worker/Dockerfile', target: undefined });
    assert.equal(s.docs.build!.context, 'https://github.com/docker/getting-started.git#main');
    assert.deepEqual([s.tools.image, s.tools.build!.context], ['ghcr.io/example/tools:1.4', dir('build')]);
    assert.equal(s.api.image, undefined);
  });

  it('a build mapping without context builds the project directory (Compose v2 default)', async () => {
    const m = memory({ 'compose.yaml': 'services:\n  app:\n    build:\n      dockerfile: docker/app.Dockerfile\n' });
    const { projects, diagnostics } = await m.detect();
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(projects[0].services[0].build, {
      context: '/ws',
      dockerfile: 'docker/app.Dockerfile',
      target: undefined,
    });
  });

  it('basic: image, build, container_name, profiles, depends_on in both forms, service lines', async () => {
    const { projects, diagnostics } = await detect('basic');
    assert.deepEqual(diagnostics, []);
    const p = projects[0];
    assert.deepEqual(
      [p.name, p.workingDir, p.files, p.podmanLeaning],
      ['basic', dir('basic'), [dir('basic', 'compose.yaml')], false],
    );
    const s = byName(p);
    assert.deepEqual(
      p.services.map((x) => x.name),
      ['web', 'worker', 'db', 'cache'],
    );
    assert.deepEqual(s.web.dependsOn, ['db', 'cache']);
    assert.deepEqual(s.worker.dependsOn, ['db']);
    assert.equal(s.db.containerName, 'basic-db');
    assert.deepEqual(s.cache.profiles, ['debug', 'full']);
    assert.deepEqual(
      p.services.map((x) => [x.file, x.line]),
      [1, 18, 21, 27].map((l) => [dir('basic', 'compose.yaml'), l]),
    );
  });

  it('profiles are read per service; a service without profiles has none', async () => {
    const s = byName((await detect('profiles')).projects[0]);
    assert.deepEqual(
      [s.app.profiles, s.adminer.profiles, s.mailpit.profiles, s.migrate.profiles],
      [[], ['debug'], ['debug', 'mail'], ['tools']],
    );
  });

  it('depends_on: list form and map form (with conditions) give the service names', async () => {
    const s = byName((await detect('depends-on')).projects[0]);
    assert.deepEqual([s.web.dependsOn, s.api.dependsOn, s.db.dependsOn], [['api', 'cache'], ['db', 'cache'], []]);
  });

  it('each directory with a Compose file is a project: root, sub-folders, one override; a broken one does not hide the others', async () => {
    const { projects, diagnostics } = await detect('monorepo');
    assert.deepEqual(
      projects.map((p) => [p.name, p.workingDir, p.services.map((s) => s.name)]),
      [
        ['monorepo', dir('monorepo'), ['proxy']],
        ['api', dir('monorepo', 'services/api'), ['api', 'db']],
        ['web', dir('monorepo', 'services/web'), ['web']],
      ],
    );
    const api = projects[1];
    assert.deepEqual(api.files, [
      dir('monorepo', 'services/api/compose.yaml'),
      dir('monorepo', 'services/api/compose.override.yml'),
    ]);
    assert.deepEqual(
      api.services[0].ports.map((x) => x.published),
      ['3000', '9229'],
    );
    assert.deepEqual(api.services[0].build!.context, dir('monorepo', 'services/api'));
    assert.deepEqual(diags('monorepo', diagnostics), [
      ['error', 'tools/broken/compose.yaml', 2, 11, 'Missing closing double quote'],
    ]);
    const nested = (await detect('nested')).projects;
    assert.deepEqual(
      nested.map((p) => [p.name, p.services.map((s) => s.name)]),
      [
        ['api', ['api']],
        ['web', ['web', 'proxy']],
      ],
    );
  });

  it('compose.yaml wins over docker-compose.yml; the ignored file gets a warning', async () => {
    const { projects, diagnostics } = await detect('two-bases');
    assert.deepEqual(
      projects.map((p) => [p.files, p.services.map((s) => s.name)]),
      [[[dir('two-bases', 'compose.yaml')], ['app']]],
    );
    assert.deepEqual(diags('two-bases', diagnostics), [
      ['warning', 'docker-compose.yml', 0, 0, 'Compose reads compose.yaml in this folder; this file is ignored.'],
    ]);
  });

  it("each project reads its own directory's .env; a second override file is ignored with a warning", async () => {
    const m = memory({
      '.env': 'TAG=root\nONLY_ROOT=1\n',
      'compose.yaml': 'services:\n  a:\n    image: "a:${TAG}"\n',
      'sub/.env': 'TAG=sub\n',
      'sub/compose.yaml': 'services:\n  b:\n    image: "b:${TAG}-${ONLY_ROOT:-unset}"\n',
      'sub/compose.override.yml': 'services:\n  b:\n    container_name: b1\n',
      'sub/docker-compose.override.yml': 'services:\n  b:\n    container_name: b2\n',
    });
    const { projects, diagnostics } = await m.detect();
    assert.deepEqual(
      projects.map((p) => [p.name, p.services[0].image, p.services[0].containerName]),
      [
        ['ws', 'a:root', undefined],
        ['sub', 'b:sub-unset', 'b1'],
      ],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.file, d.severity, d.message]),
      [
        [
          '/ws/sub/docker-compose.override.yml',
          'warning',
          'Compose reads one override file, compose.override.yml; this one is ignored (Compose v1 refuses to run with both).',
        ],
      ],
    );
  });

  it('lookup order: compose.yaml > compose.yml > docker-compose.yml > docker-compose.yaml; one override, compose.override.yml first', () => {
    const { projects } = findProjects([
      'a/docker-compose.yaml',
      'a/compose.yml',
      'a/docker-compose.override.yml',
      'a/compose.override.yaml',
      'b/docker-compose.yaml',
      'b/docker-compose.override.yaml',
      'c/compose.override.yml',
      'd/README.md',
    ]);
    assert.deepEqual(
      projects.map((p) => [p.dir, p.files, p.ignored.map((i) => i.file)]),
      [
        ['a', ['a/compose.yml', 'a/compose.override.yaml'], ['a/docker-compose.yaml', 'a/docker-compose.override.yml']],
        ['b', ['b/docker-compose.yaml', 'b/docker-compose.override.yaml'], []],
      ],
      'an override without a base file is no project',
    );
  });

  it('podman-compose files make a Podman-leaning project; so does a Compose file next to a Containerfile only', async () => {
    const podman = (await detect('podman')).projects;
    assert.deepEqual(
      podman.map((p) => [p.name, p.podmanLeaning, p.files]),
      [['podman', true, [dir('podman', 'podman-compose.yaml')]]],
    );
    const { projects } = findProjects([
      'x/compose.yaml',
      'x/Containerfile',
      'y/compose.yaml',
      'y/Containerfile',
      'y/Dockerfile',
      'z/compose.yaml',
      'z/podman-compose.yml',
    ]);
    assert.deepEqual(
      projects.map((p) => [p.dir, p.podman, p.files]),
      [
        ['x', true, ['x/compose.yaml']],
        ['y', false, ['y/compose.yaml']],
        ['z', false, ['z/compose.yaml']],
      ],
    );
  });

  it('picks candidates from a 20,000-file listing and reads only them (speed: npm run bench:context)', async () => {
    const files: string[] = [];
    for (let i = 0; i < 20_000; i++)
      files.push(`packages/pkg${i % 400}/src/module${i}/${i % 3 ? 'index.ts' : 'README.md'}`);
    files.push('compose.yaml', 'services/api/compose.yaml', 'services/api/compose.override.yml');
    const text = 'services:\n  app:\n    image: nginx\n    ports: ["8080:80"]\n';
    const read: string[] = [];
    const reader = (p: string) => {
      read.push(p);
      return Promise.resolve(p.endsWith('.yaml') || p.endsWith('.yml') ? text : undefined);
    };
    const { projects } = await detectCompose('/big', files, reader, {});
    assert.equal(projects.length, 2);
    // The three compose files and, beside them, the .env files Compose would read: nothing else.
    assert.ok(
      read.every((p) => /(compose(\.override)?\.ya?ml|\.env)$/.test(p)),
      read.filter((p) => !/(compose|\.env)/.test(p)).join(', '),
    );
    assert.ok(read.length <= 6, `${read.length} reads: ${read.join(', ')}`);
  });
});

describe('Compose detection: merging overrides', () => {
  it('override file: scalars replaced, build merged, ports appended once, depends_on and profiles merged, new services added', async () => {
    const { projects, diagnostics } = await detect('override');
    assert.deepEqual(diagnostics, []);
    const p = projects[0];
    assert.deepEqual(p.files, [dir('override', 'docker-compose.yml'), dir('override', 'docker-compose.override.yml')]);
    assert.deepEqual(
      p.services.map((x) => x.name),
      ['app', 'db', 'cache', 'debug'],
    );
    const s = byName(p);
    assert.equal(s.app.image, 'example/app:dev');
    assert.equal(s.app.containerName, 'app-dev');
    assert.deepEqual(s.app.build, { context: dir('override', 'app'), dockerfile: 'Dockerfile', target: 'dev' });
    assert.deepEqual(
      s.app.ports.map((x) => `${x.published}:${x.target}`),
      ['3000:3000', '9229:9229'],
      '"3000:3000" in both files is one port',
    );
    assert.deepEqual(s.app.dependsOn, ['db', 'cache']);
    assert.deepEqual(s.app.profiles, ['web', 'debug'], 'both Compose v1 and v2 keep the profiles of both files');
    assert.deepEqual(
      [s.app.file, s.app.line],
      [dir('override', 'docker-compose.yml'), 2],
      'defined where it first appears',
    );
    assert.deepEqual([s.debug.file, s.debug.line], [dir('override', 'docker-compose.override.yml'), 15]);
  });

  it('Compose v2 merge tags: !override replaces, !reset clears', async () => {
    const s = byName((await detect('override-reset')).projects[0]);
    assert.deepEqual(
      s.app.ports.map((x) => `${x.published}:${x.target}`),
      ['8080:8080'],
    );
    assert.deepEqual(s.app.profiles, []);
    assert.deepEqual(s.app.dependsOn, ['db']);
    assert.deepEqual(s.app.build, { context: dir('override-reset', 'dev'), dockerfile: undefined, target: undefined });
    assert.equal(s.app.image, 'example/app:1.0');
  });

  it('YAML anchors and merge keys (<<) from x- extension fields; an explicit key beats the merged one', async () => {
    const { projects, diagnostics } = await detect('anchors');
    assert.deepEqual(diagnostics, []);
    const s = byName(projects[0]);
    assert.deepEqual(
      [s.web.image, s.web.dependsOn, s.web.ports.map((x) => x.target)],
      ['example/app:3.1', ['db'], [8000]],
    );
    assert.deepEqual([s.worker.image, s.worker.ports.map((x) => x.target)], ['example/app:3.1', [9100]]);
    assert.deepEqual(
      projects[0].services.map((x) => x.line),
      [14, 19, 22],
    );
  });

  it('a bad port inherited through a merge key is reported where it is written', async () => {
    const m = memory({
      'compose.yaml':
        'x-ports: &ports\n  ports:\n    - "80:99999"\nservices:\n  a:\n    <<: *ports\n    image: nginx\n',
    });
    const { diagnostics } = await m.detect();
    assert.deepEqual(
      diagnostics.map((d) => [d.range.line, d.range.column, d.message]),
      [[2, 6, 'Service "a": invalid port mapping: the container port is not a port or port range (1-65535).']],
    );
  });
});

describe('Compose detection: COMPOSE_FILE and the project name', () => {
  it("COMPOSE_FILE from .env replaces the lookup: its files in order, the folder's override not read", async () => {
    const { projects, diagnostics } = await detect('compose-file');
    assert.deepEqual(diagnostics, []);
    assert.equal(projects.length, 1);
    const p = projects[0];
    assert.deepEqual(p.files, [dir('compose-file', 'compose.yaml'), dir('compose-file', 'deploy/compose.prod.yaml')]);
    assert.deepEqual(
      p.services.map((x) => x.name),
      ['app', 'db', 'proxy'],
    );
    const s = byName(p);
    assert.equal(s.app.image, 'example/app:1.0-prod');
    assert.deepEqual(
      s.app.ports.map((x) => [x.hostIp, x.published, x.target]),
      [
        [undefined, '8080', 80],
        ['127.0.0.1', '8081', 80],
      ],
    );
    assert.deepEqual([p.name, p.workingDir], ['compose-file', dir('compose-file')]);
  });

  it('COMPOSE_FILE from the environment wins over .env; COMPOSE_PATH_SEPARATOR splits it', async () => {
    const { projects } = await detect('compose-file', {
      COMPOSE_FILE: 'compose.yaml;compose.override.yaml',
      COMPOSE_PATH_SEPARATOR: ';',
    });
    assert.deepEqual(projects[0].files, [
      dir('compose-file', 'compose.yaml'),
      dir('compose-file', 'compose.override.yaml'),
    ]);
    assert.deepEqual(
      projects[0].services.map((x) => x.name),
      ['app', 'db', 'mailpit'],
    );
    assert.deepEqual(
      projects[0].services[0].ports.map((x) => x.published),
      ['8080', '9229'],
    );
  });

  it("COMPOSE_FILE: the project directory is the first file's; a missing file in .env is pointed out there", async () => {
    const sub = memory({
      'compose.yaml': 'services:\n  root:\n    image: a\n',
      'deploy/stack.yml': 'services:\n  app:\n    image: b\n',
    });
    const p = (await sub.detect({ COMPOSE_FILE: 'deploy/stack.yml' })).projects;
    assert.deepEqual(
      p.map((x) => [x.name, x.workingDir, x.services.map((s) => s.name)]),
      [['deploy', '/ws/deploy', ['app']]],
    );

    const missing = memory({
      '.env': 'TAG=1\nCOMPOSE_FILE=compose.yaml:compose.gone.yaml\n',
      'compose.yaml': 'services:\n  a:\n    image: x\n',
    });
    const r = await missing.detect();
    assert.deepEqual(r.projects, []);
    assert.deepEqual(
      r.diagnostics.map((d) => [d.file, d.range.line, d.severity, d.message]),
      [
        [
          '/ws/.env',
          1,
          'warning',
          'COMPOSE_FILE lists a file that cannot be read (entry 2 of 2); Compose will not start this project.',
        ],
      ],
    );
  });

  it('project name: COMPOSE_PROJECT_NAME (environment, then .env) > top-level name: > directory name, normalised', async () => {
    assert.equal((await detect('named')).projects[0].name, 'myapp', '"My App!" normalised');
    assert.equal((await detect('named', { COMPOSE_PROJECT_NAME: 'ops' })).projects[0].name, 'ops');
    assert.equal((await detect('dotenv-name')).projects[0].name, 'shop_backend');
    assert.equal((await detect('dotenv-name', { COMPOSE_PROJECT_NAME: 'from-env' })).projects[0].name, 'from-env');
    assert.equal(
      (await detect('dotenv-name')).projects[0].services[0].image,
      'example/api:2.1',
      '.env values interpolate too',
    );
    const m = memory({ 'compose.yaml': 'name: ${STACK:-Stack}\nservices:\n  a:\n    image: x\n' }, '/ws/_My.Folder');
    assert.equal((await m.detect()).projects[0].name, 'stack', 'name: is interpolated');
    const dirOnly = memory({ 'compose.yaml': 'services:\n  a:\n    image: x\n' }, '/ws/-My.Folder');
    assert.equal((await dirOnly.detect()).projects[0].name, 'myfolder', 'leading "-" and "." dropped');
  });

  it('an invalid COMPOSE_PROJECT_NAME in .env is used normalised, with a warning on its line (without the value)', async () => {
    const m = memory({
      '.env': '# stack\nCOMPOSE_PROJECT_NAME=Shop.Backend\n',
      'compose.yaml': 'services:\n  a:\n    image: x\n',
    });
    const { projects, diagnostics } = await m.detect();
    assert.equal(projects[0].name, 'shopbackend');
    assert.deepEqual(
      diagnostics.map((d) => [d.file, d.range.line, d.severity]),
      [['/ws/.env', 1, 'warning']],
    );
    assert.ok(!diagnostics[0].message.includes('Shop.Backend'));
  });
});

describe('Compose detection: interpolation', () => {
  it('${VAR}, defaults with and without colon, .env values (quoted, exported, referencing others), $$', async () => {
    const { projects, diagnostics } = await detect('interpolation');
    assert.deepEqual(diagnostics, [], '$${REQUIRED_AT_RUNTIME:?} is escaped, not a required variable');
    const s = byName(projects[0]);
    assert.equal(s.app.image, 'registry.example.com/shop:1.0');
    assert.equal(s.app.containerName, 'app', '${NAME_PREFIX-cws} keeps the empty value from .env');
    assert.equal(s.db.containerName, 'shop-db', '${NAME_PREFIX:-shop} replaces an empty value');
    assert.deepEqual(
      s.app.ports.map((x) => x.published),
      ['9090', '9100'],
    );
    assert.deepEqual([s.db.image, s.db.ports[0].hostIp, s.db.ports[0].published], ['postgres:16', '127.0.0.1', '5432']);
  });

  it('the environment wins over .env', async () => {
    const s = byName(
      (await detect('interpolation', { APP_TAG: '2.0', APP_PORT: '7070', NAME_PREFIX: 'dev-' })).projects[0],
    );
    assert.deepEqual(
      [s.app.image, s.app.ports[0].published, s.app.containerName],
      ['registry.example.com/shop:2.0', '7070', 'dev-app'],
    );
  });

  it('an unset required variable is a warning at its value, naming the variable (never a value); the value is empty', async () => {
    const { projects, diagnostics } = await detect('required-var', { API_KEY: 'sk-live-123' });
    assert.deepEqual(diags('required-var', diagnostics), [
      [
        'warning',
        'compose.yaml',
        5,
        25,
        'Required variable DB_PASSWORD is not set in the environment or .env: set DB_PASSWORD in .env',
      ],
      ['warning', 'compose.yaml', 7, 11, 'Required variable API_TAG is not set in the environment or .env.'],
    ]);
    assert.equal(byName(projects[0]).api.image, 'example/api:');
    const ok = await detect('required-var', { DB_PASSWORD: 's3cret', API_TAG: '' });
    assert.deepEqual(ok.diagnostics, [], '${VAR?} accepts an empty value');
  });

  it('environment values never appear in diagnostics, even when they make a port invalid', async () => {
    const m = memory({ 'compose.yaml': 'services:\n  a:\n    image: x\n    ports: ["${PORT}:80", "$1"]\n' });
    const { diagnostics } = await m.detect({ PORT: 'hunter2' });
    // "$1" is an invalid template (an error), and then not a port either; "${PORT}:80" is not a port.
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.range.line, d.range.column]),
      [
        ['error', 3, 26],
        ['warning', 3, 12],
        ['warning', 3, 26],
      ],
    );
    assert.ok(
      diagnostics.every((d) => !d.message.includes('hunter2')),
      JSON.stringify(diagnostics),
    );
  });

  it('interpolate: operators, nesting, $$, bare names, invalid templates', () => {
    const env: Record<string, string> = { A: 'a', E: '' };
    const problems: InterpolationProblem[] = [];
    const i = (s: string) =>
      interpolate(
        s,
        (n) => env[n],
        (p) => problems.push(p),
      );
    assert.equal(
      i('$A ${A} ${B:-d} ${E:-d} ${E-d} ${A:+alt} ${E:+alt} ${E+alt} ${B+alt} $$A ${B:-${A}x} $A_B ${A}_B'),
      'a a d d  alt  alt  $A ax  a_B',
    );
    assert.equal(problems.length, 0);
    assert.equal(i('${B:?need B}|${E?}|${E:?empty}'), '||');
    assert.deepEqual(problems, [
      { kind: 'required', name: 'B', message: 'need B' },
      { kind: 'required', name: 'E', message: 'empty' },
    ]);
    problems.length = 0;
    assert.equal(i('x${A'), 'x${A');
    assert.equal(i('${1A}'), '${1A}');
    i('cost: 5$');
    assert.deepEqual(
      problems.map((p) => p.kind),
      ['invalid', 'invalid', 'invalid'],
    );
  });

  it('.env: export prefix, quotes, escapes, comments, references to earlier keys and the environment', () => {
    const text =
      '# c\nexport A=1\nB="two words" # note\nC=three # note\nD=\'x#y $A\'\nE="line\\nbreak"\nF=${A}-${OUTER}\nbad line\nG = spaced \n';
    const { values, lines } = parseDotEnv(text, (n) => (n === 'OUTER' ? 'o' : undefined));
    assert.deepEqual(
      [...values],
      [
        ['A', '1'],
        ['B', 'two words'],
        ['C', 'three'],
        ['D', 'x#y $A'],
        ['E', 'line\nbreak'],
        ['F', '1-o'],
        ['G', 'spaced'],
      ],
    );
    assert.deepEqual([lines.get('A'), lines.get('F'), lines.get('G')], [1, 6, 8]);
  });
});

describe("Compose detection: problems in the user's files", () => {
  it('broken YAML is an error at the right line and column, and that file contributes nothing', async () => {
    const indent = await detect('broken-indent');
    assert.deepEqual(indent.projects, []);
    assert.deepEqual(diags('broken-indent', indent.diagnostics), [
      ['error', 'compose.yaml', 5, 3, 'All mapping items must start at the same column'],
    ]);
    const tab = await detect('broken-tab');
    assert.deepEqual(tab.projects, []);
    assert.deepEqual(diags('broken-tab', tab.diagnostics), [
      ['error', 'compose.yaml', 3, 0, 'Tabs are not allowed as indentation'],
    ]);
    const quote = await detect('broken-quote');
    assert.deepEqual(quote.projects, []);
    assert.deepEqual(diags('broken-quote', quote.diagnostics), [
      ['error', 'compose.yaml', 4, 11, 'Missing closing double quote'],
    ]);
    assert.ok([...indent.diagnostics, ...tab.diagnostics, ...quote.diagnostics].every((d) => d.source === 'compose'));
  });

  it("a broken override file leaves the base file's services", async () => {
    const m = memory({
      'compose.yaml': 'services:\n  app:\n    image: nginx\n',
      'compose.override.yml': 'services:\n  app:\n    ports: ["80:80"\n',
    });
    const { projects, diagnostics } = await m.detect();
    assert.deepEqual(
      projects.map((p) => [p.files, p.services.map((s) => [s.name, s.ports.length])]),
      [[['/ws/compose.yaml'], [['app', 0]]]],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.file, d.severity]),
      [['/ws/compose.override.yml', 'error']],
    );
  });

  it('`services` not a mapping is a warning at the node; the project has no services', async () => {
    const { projects, diagnostics } = await detect('services-list');
    assert.deepEqual(diags('services-list', diagnostics), [
      ['warning', 'compose.yaml', 1, 2, '`services` must be a mapping of service names to their definitions.'],
    ]);
    assert.deepEqual(projects[0].services, []);
  });

  it('a service that is not a mapping, bad ports and fields of the wrong type are warnings at their nodes; the rest stands', async () => {
    const { projects, diagnostics } = await detect('bad-service');
    assert.deepEqual(diags('bad-service', diagnostics), [
      [
        'warning',
        'compose.yaml',
        5,
        8,
        'Service "web": invalid port mapping: the container port is not a port or port range (1-65535).',
      ],
      [
        'warning',
        'compose.yaml',
        6,
        8,
        'Service "web": invalid port mapping: the published port is not a port or port range (1-65535).',
      ],
      [
        'warning',
        'compose.yaml',
        7,
        8,
        'Service "web": invalid port mapping: the published and container port ranges differ in size.',
      ],
      [
        'warning',
        'compose.yaml',
        8,
        8,
        'Service "web": invalid port mapping: the long port syntax needs target: a port number (1-65535).',
      ],
      ['warning', 'compose.yaml', 9, 10, 'Service "worker" must be a mapping (image:, build:, ports:, …).'],
      ['warning', 'compose.yaml', 14, 11, 'Service "db": ports must be a list.'],
      [
        'warning',
        'compose.yaml',
        15,
        16,
        'Service "db": depends_on must be a list of service names or a mapping of service names to conditions.',
      ],
      [
        'warning',
        'compose.yaml',
        10,
        2,
        'Service "sidecar" has neither an image nor a build context; Compose refuses to run it.',
      ],
    ]);
    const s = byName(projects[0]);
    assert.deepEqual(
      projects[0].services.map((x) => x.name),
      ['web', 'sidecar', 'db'],
    );
    assert.deepEqual(
      s.web.ports.map((x) => x.published),
      ['8080'],
      'the valid port is kept',
    );
    assert.equal(s.db.image, 'postgres:16');
  });

  it('the legacy format (services at the top level) is pointed out', async () => {
    const { projects, diagnostics } = await detect('legacy-v1');
    assert.deepEqual(projects[0].services, []);
    assert.deepEqual(
      diags('legacy-v1', diagnostics).map((d) => d.slice(0, 4)),
      [['warning', 'docker-compose.yml', 1, 0]],
    );
  });

  it('duplicate keys, a non-mapping document, an empty file', async () => {
    const m = memory({
      'a/compose.yaml': 'services:\n  web:\n    image: a\n  web:\n    image: b\n',
      'b/compose.yaml': '- just\n- a list\n',
      'c/compose.yaml': '# nothing yet\n',
    });
    const { projects, diagnostics } = await m.detect();
    assert.deepEqual(
      diagnostics.map((d) => [d.file, d.severity, d.range.line, d.range.column]),
      [
        ['/ws/a/compose.yaml', 'error', 3, 2],
        ['/ws/b/compose.yaml', 'error', 0, 0],
      ],
    );
    assert.deepEqual(
      projects.map((p) => [p.name, p.services.length]),
      [['c', 0]],
    );
  });

  it('an unreadable file (gone, too large) is skipped without a diagnostic', async () => {
    const { projects, diagnostics } = await detectCompose(
      '/ws',
      ['compose.yaml', 'x/compose.yaml'],
      (p) => Promise.resolve(p === '/ws/x/compose.yaml' ? 'services:\n  a:\n    image: x\n' : undefined),
      {},
    );
    assert.deepEqual([projects.map((p) => p.name), diagnostics], [['x'], []]);
  });

  it('parsePort rejects what Compose rejects', () => {
    for (const bad of [
      '80:80:tcp',
      '0',
      '70000',
      'abc',
      '8080:80/http',
      'localhost:8080:80',
      '[::1:80',
      '1-2:3-5',
      ':',
      80.5,
      true,
    ]) {
      assert.equal(typeof parsePort(bad), 'string', String(bad));
    }
    assert.deepEqual(parsePort('8080:80/UDP'), { target: 80, published: '8080', hostIp: undefined, protocol: 'udp' });
    assert.deepEqual(parsePort({ target: '80', published: 8080 }), {
      target: 80,
      published: '8080',
      hostIp: undefined,
      protocol: 'tcp',
    });
  });
});
