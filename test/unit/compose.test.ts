import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { detectCompose } from '../../src/context/compose';
import { interpolate, parseDotEnv } from '../../src/context/compose/interpolate';
import { fixturesDir, listFixture, read } from '../support/fixtures';

const dir = (name: string) => join(fixturesDir, 'compose', name);
const detect = (name: string, env: NodeJS.ProcessEnv = {}) => detectCompose(dir(name), listFixture(dir(name)), read, env);

describe('Compose detection', () => {
  it('reads services: image, build, container_name, every port form, profiles, depends_on', async () => {
    const { projects, diagnostics } = await detect('basic');
    assert.deepEqual(diagnostics, []);
    assert.equal(projects.length, 1);
    const p = projects[0];
    assert.equal(p.name, 'basic');
    assert.equal(p.workingDir, dir('basic'));
    const s = Object.fromEntries(p.services.map((x) => [x.name, x]));
    assert.deepEqual(Object.keys(s), ['web', 'worker', 'db', 'cache']);
    assert.deepEqual(s.web.ports, [
      { target: 80, published: '8080', protocol: 'tcp', hostIp: undefined },
      { target: 443, published: '8443', protocol: 'tcp', hostIp: '127.0.0.1' },
      { target: 9000, published: undefined, protocol: 'tcp', hostIp: undefined },
      { target: 6000, published: '5000-5002', protocol: 'tcp', hostIp: undefined },
      { target: 7000, protocol: 'tcp' },
      { target: 53, published: '5353', protocol: 'udp', hostIp: undefined },
    ]);
    assert.deepEqual(s.web.dependsOn, ['db', 'cache']);
    assert.deepEqual(s.worker.build, { context: join(dir('basic'), 'worker'), dockerfile: undefined, target: undefined });
    assert.deepEqual(s.worker.dependsOn, ['db']);
    assert.deepEqual(s.db.build, { context: join(dir('basic'), 'db'), dockerfile: 'Db.Dockerfile', target: 'runtime' });
    assert.equal(s.db.containerName, 'basic-db');
    assert.deepEqual(s.cache.profiles, ['debug', 'full']);
    assert.deepEqual([s.web.line, s.worker.line, s.db.line, s.cache.line], [1, 18, 21, 27]);
  });

  it('reads the specification\'s long port form with host_ip', async () => {
    const dns = (await detect('ports-spec')).projects[0].services[0];
    assert.deepEqual(dns.ports, [
      { target: 53, published: '5353', protocol: 'udp', hostIp: '127.0.0.1' },
      { target: 9153, published: undefined, protocol: 'tcp', hostIp: undefined },
    ]);
  });

  it('merges the override file: scalars replaced, ports appended, depends_on added, new services', async () => {
    const { projects } = await detect('override');
    const p = projects[0];
    assert.deepEqual(p.files.map((f) => f.slice(dir('override').length + 1)), ['docker-compose.yml', 'docker-compose.override.yml']);
    const app = p.services.find((x) => x.name === 'app')!;
    assert.equal(app.image, 'example/app:dev');
    assert.deepEqual(app.ports.map((x) => x.target), [3000, 9229]);
    assert.deepEqual(app.dependsOn, ['db']);
    assert.ok(app.file.endsWith('docker-compose.yml'), 'defined where it first appears');
    assert.deepEqual(p.services.map((x) => x.name), ['app', 'db', 'debug']);
  });

  it('project name: top-level name:, COMPOSE_PROJECT_NAME from .env or the environment, normalised', async () => {
    assert.equal((await detect('named')).projects[0].name, 'myapp');
    assert.equal((await detect('dotenv-name')).projects[0].name, 'from-dotenv');
    assert.equal((await detect('dotenv-name', { COMPOSE_PROJECT_NAME: 'Env_Wins' })).projects[0].name, 'env_wins');
    assert.equal((await detect('dotenv-name')).projects[0].services[0].image, 'example/api:2.1', '.env values interpolate');
  });

  it('interpolation: defaults, empty-vs-unset, .env values, $$ escapes; the environment wins over .env', async () => {
    const app = (await detect('interpolation')).projects[0].services[0];
    assert.equal(app.image, 'example/app:1.0');
    assert.equal(app.containerName, '-app', '${X-default} keeps an empty value');
    assert.deepEqual(app.ports[0], { target: 80, published: '9090', protocol: 'tcp', hostIp: undefined });
    const env = (await detect('interpolation', { APP_TAG: '2.0', APP_PORT: '7070' })).projects[0].services[0];
    assert.equal(env.image, 'example/app:2.0');
    assert.equal(env.ports[0].published, '7070');
  });

  it('COMPOSE_FILE (from .env) replaces the lookup and merges in its order', async () => {
    const p = (await detect('compose-file')).projects;
    assert.equal(p.length, 1);
    assert.deepEqual(p[0].services.map((x) => x.name), ['base', 'extra']);
    assert.deepEqual(p[0].services[0].ports.map((x) => x.published), ['81']);
  });

  it('finds projects in sub-folders, and flags podman-compose files', async () => {
    const nested = (await detect('nested')).projects;
    assert.deepEqual(nested.map((p) => [p.name, p.services.map((s) => s.name)]), [['api', ['api']], ['web', ['web', 'proxy']]]);
    const podman = (await detect('podman')).projects;
    assert.deepEqual(podman.map((p) => [p.name, p.podmanLeaning]), [['podman', true]]);
  });

  it('broken YAML becomes an error at the right line; nothing else is lost', async () => {
    const tab = await detect('broken-tab');
    assert.deepEqual(tab.projects, []);
    assert.equal(tab.diagnostics.length >= 1, true);
    assert.deepEqual([tab.diagnostics[0].severity, tab.diagnostics[0].range.line, tab.diagnostics[0].source], ['error', 3, 'compose']);
    const quote = await detect('broken-quote');
    assert.deepEqual(quote.diagnostics.map((d) => [d.message, d.range.line, d.range.column]), [['Missing closing double quote', 4, 11]]);
    const list = await detect('services-list');
    assert.deepEqual(list.diagnostics.map((d) => [d.severity, d.range.line, d.message]), [['warning', 1, '`services` must be a mapping of service names to definitions.']]);
    assert.deepEqual(list.projects[0].services, []);
  });

  it('an unset required variable is a warning that names it, not its value', async () => {
    const r = await detectCompose('/w', ['compose.yaml'], async () => 'services:\n  a:\n    image: "x:${TAG:?set TAG}"\n', { SECRET: 's3cret' });
    assert.deepEqual(r.diagnostics.map((d) => d.message), ['Required variable TAG is not set (in the environment or .env).']);
  });
});

describe('Compose helpers', () => {
  it('interpolate handles the operators, nesting and $$', () => {
    const env: Record<string, string> = { A: 'a', E: '' };
    const look = (n: string) => env[n];
    const miss: string[] = [];
    const i = (s: string) => interpolate(s, look, (n) => miss.push(n));
    assert.deepEqual([i('$A ${A} ${B:-d} ${E:-d} ${E-d} ${A:+alt} ${B+alt} $$A ${B:-${A}}'), miss], ['a a d d  alt  $A a', []]);
    i('${B:?need B}');
    assert.deepEqual(miss, ['B']);
  });

  it('.env: export prefix, quotes, comments', () => {
    const m = parseDotEnv('# c\nexport A=1\nB="two words"\nC=three # note\nD=\'x#y\'\nbad line\n');
    assert.deepEqual([...m], [['A', '1'], ['B', 'two words'], ['C', 'three'], ['D', 'x#y']]);
  });
});
