/**
 * Compose projects of a workspace folder, read the way `docker compose` reads them: file lookup per
 * directory (one override), COMPOSE_FILE, the project name, variables from the environment and
 * `.env`, and the override merge. Plain Node: no `vscode` import.
 */
import { basename, dirname, resolve } from 'node:path';
import { LIMITS } from '../limits';
import {
  failureReason,
  internalErrorDiagnostic,
  notReadDiagnostic,
  overBudgetDiagnostic,
  pooled,
  worthReporting,
  type Reads,
} from '../reads';
import type { ComposeProject, ComposeService, ContextDiagnostic, ReadText } from '../types';
import { findProjects, type ProjectFiles } from './files';
import { parseDotEnv, type DotEnv, type Lookup } from './interpolate';
import { diagnostic, lineRange, parseComposeFile, type FileLayer, type PortEntry, type ServiceLayer } from './parse';

export { parsePort } from './ports';

/** Compose's project-name normalisation: lowercase, only [a-z0-9_-], starting with a letter or digit. */
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '')
    .replace(/^[_-]+/, '');
}

const EMPTY_ENV: DotEnv = { values: new Map(), lines: new Map() };

interface EnvSource {
  lookup: Lookup;
  dotenv: DotEnv;
  /** Absolute path of the .env file these values come from. */
  dotenvPath: string;
}

async function loadEnv(
  dir: string,
  reads: Reads,
  env: NodeJS.ProcessEnv,
  diagnostics: ContextDiagnostic[],
): Promise<EnvSource> {
  const dotenvPath = resolve(dir, '.env');
  const outer: Lookup = (name) => env[name];
  const got = await reads.get(dotenvPath);
  if (worthReporting(got))
    diagnostics.push(
      notReadDiagnostic(dotenvPath, got, 'compose', { why: 'Compose variables in this folder are taken as unset' }),
    );
  const dotenv = got.ok ? parseDotEnv(got.text, outer) : EMPTY_ENV;
  for (const p of dotenv.problems ?? [])
    diagnostics.push(diagnostic(dotenvPath, p.message, 'warning', lineRange(p.line, 0, p.key.length)));
  return { lookup: (name) => env[name] ?? dotenv.values.get(name), dotenv, dotenvPath };
}

interface Draft {
  name: string;
  file: string;
  line: number;
  column: number;
  image?: string;
  containerName?: string;
  build?: { context?: string; dockerfile?: string; target?: string };
  ports: PortEntry[];
  profiles: string[];
  dependsOn: string[];
  extends: boolean;
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];

/** Applies one file's service onto what the earlier files said, as Compose merges overrides. */
function apply(d: Draft, s: ServiceLayer): void {
  if (s.image !== undefined) d.image = s.image ?? undefined;
  if (s.containerName !== undefined) d.containerName = s.containerName ?? undefined;
  if (s.build) {
    const { mode, ...fields } = s.build;
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    d.build = mode === 'reset' ? undefined : mode === 'override' ? defined : { ...d.build, ...defined };
  }
  if (s.ports) {
    // Appended, then one entry per key: a later entry with the same key replaces the earlier one in place.
    const all = s.ports.mode === 'merge' ? [...d.ports, ...s.ports.entries] : s.ports.entries;
    const byKey = new Map<string, number>();
    d.ports = [];
    for (const e of all) {
      const at = byKey.get(e.key);
      if (at === undefined) {
        byKey.set(e.key, d.ports.length);
        d.ports.push(e);
      } else d.ports[at] = e;
    }
  }
  if (s.profiles) d.profiles = s.profiles.mode === 'merge' ? union(d.profiles, s.profiles.values) : s.profiles.values;
  if (s.dependsOn)
    d.dependsOn = s.dependsOn.mode === 'merge' ? union(d.dependsOn, s.dependsOn.values) : s.dependsOn.values;
  d.extends ||= s.extends;
}

/** A build context that is a Git or HTTP(S) URL stays as written; a path is resolved against the project directory. */
function buildContext(context: string | undefined, workingDir: string): string {
  if (context && (/^[a-z][a-z0-9+.-]*:\/\//i.test(context) || /^git@/.test(context) || /^github\.com\//.test(context)))
    return context;
  return resolve(workingDir, context || '.');
}

interface Plan {
  workingDir: string;
  files: string[];
  podman: boolean;
  env: EnvSource;
}

async function detectProject(
  plan: Plan,
  reads: Reads,
  diagnostics: ContextDiagnostic[],
): Promise<ComposeProject | undefined> {
  const layers = await readLayers(plan, reads, diagnostics);
  await checkReferences(layers, reads, diagnostics);
  if (!layers.length) return undefined;
  const { drafts, topName } = mergeLayers(layers);
  const services = [...drafts.values()].map((d) => toService(d, plan.workingDir, diagnostics));
  return {
    name: projectName(plan, topName, diagnostics),
    workingDir: plan.workingDir,
    files: layers.map((l) => l.file),
    services,
    podmanLeaning: plan.podman,
  };
}

/** The project's files that can be read and parsed, in order. */
async function readLayers(plan: Plan, reads: Reads, diagnostics: ContextDiagnostic[]): Promise<FileLayer[]> {
  const layers: FileLayer[] = [];
  for (const file of plan.files) {
    const got = await reads.get(file);
    if (!got.ok) {
      if (worthReporting(got)) diagnostics.push(notReadDiagnostic(file, got, 'compose'));
      continue;
    }
    if (reads.overBudget()) {
      diagnostics.push(overBudgetDiagnostic(file, 'compose'));
      continue;
    }
    let layer: FileLayer | undefined;
    try {
      layer = parseComposeFile(file, got.text, plan.env.lookup, diagnostics);
    } catch (err) {
      // A bug of ours on this input, not a problem in the user's file: the file counts for nothing, and says so.
      diagnostics.push(internalErrorDiagnostic(file, err, 'compose'));
      layer = undefined;
    }
    if (layer) layers.push(layer);
  }
  return layers;
}

/**
 * The files the layers name (include, extends.file, env_file) that exist but cannot be read: a FIFO,
 * a device or a directory there would make Compose hang or fail, so each is a warning where it is named.
 */
async function checkReferences(layers: FileLayer[], reads: Reads, diagnostics: ContextDiagnostic[]): Promise<void> {
  for (const layer of layers) {
    const dir = dirname(layer.file);
    await Promise.all(
      (layer.references ?? []).map(async (ref) => {
        const got = await reads.get(resolve(dir, ref.written));
        if (worthReporting(got))
          diagnostics.push(
            notReadDiagnostic(layer.file, got, 'compose', { subject: `${ref.written} (${ref.key})`, range: ref.range }),
          );
      }),
    );
  }
}

/** Each service merged across the files (in the order first seen), and the last top-level `name:`. */
function mergeLayers(layers: FileLayer[]): { drafts: Map<string, Draft>; topName: string | undefined } {
  const drafts = new Map<string, Draft>();
  let topName: string | undefined;
  for (const layer of layers) {
    if (layer.name !== undefined) topName = layer.name;
    for (const s of layer.services) {
      let d = drafts.get(s.name);
      if (!d) {
        d = {
          name: s.name,
          file: layer.file,
          line: s.line,
          column: s.column,
          ports: [],
          profiles: [],
          dependsOn: [],
          extends: false,
        };
        drafts.set(s.name, d);
      }
      apply(d, s);
    }
  }
  return { drafts, topName };
}

/** A merged service as the model keeps it; one that Compose would refuse to run gets a warning. */
function toService(d: Draft, workingDir: string, diagnostics: ContextDiagnostic[]): ComposeService {
  if (d.image === undefined && d.build === undefined && !d.extends) {
    diagnostics.push(
      diagnostic(
        d.file,
        `Service "${d.name}" has neither an image nor a build context; Compose refuses to run it.`,
        'warning',
        lineRange(d.line, d.column, d.name.length),
      ),
    );
  }
  return {
    name: d.name,
    image: d.image,
    build: d.build
      ? {
          context: buildContext(d.build.context, workingDir),
          dockerfile: d.build.dockerfile,
          target: d.build.target,
        }
      : undefined,
    containerName: d.containerName,
    ports: d.ports.map((e) => e.port),
    profiles: d.profiles,
    dependsOn: d.dependsOn,
    file: d.file,
    line: d.line,
  };
}

/** COMPOSE_PROJECT_NAME (environment, then .env) > the last top-level `name:` > the directory's name. */
function projectName(plan: Plan, topName: string | undefined, diagnostics: ContextDiagnostic[]): string {
  const { env } = plan;
  const fromEnv = env.lookup('COMPOSE_PROJECT_NAME');
  if (fromEnv) {
    const name = normalizeProjectName(fromEnv);
    const line = env.dotenv.lines.get('COMPOSE_PROJECT_NAME');
    if (name !== fromEnv && line !== undefined && env.dotenv.values.get('COMPOSE_PROJECT_NAME') === fromEnv) {
      diagnostics.push(
        diagnostic(
          env.dotenvPath,
          'COMPOSE_PROJECT_NAME may contain only lowercase letters, digits, "-" and "_", ' +
            'and must start with a letter or digit; Compose v2 refuses this name.',
          'warning',
          lineRange(line, 0, 'COMPOSE_PROJECT_NAME'.length),
        ),
      );
    }
    if (name) return name;
  }
  const fromFile = topName === undefined ? '' : normalizeProjectName(topName);
  return fromFile || normalizeProjectName(basename(plan.workingDir));
}

/**
 * Compose projects in a folder's listing (relative POSIX paths): every directory holding a Compose
 * file is a project; COMPOSE_FILE (from `env`, else the folder's `.env`) replaces the lookup for
 * the folder itself. Never throws for a problem in the user's files: those become diagnostics.
 */
export async function detectCompose(
  folder: string,
  files: string[],
  readText: ReadText,
  env: NodeJS.ProcessEnv,
): Promise<{ projects: ComposeProject[]; diagnostics: ContextDiagnostic[] }> {
  const diagnostics: ContextDiagnostic[] = [];
  // Each file once per detection (COMPOSE_FILE entries are checked, then parsed), a few at a time.
  const reads = pooled(readText);
  const { projects: found, rootDotEnv } = findProjects(files);
  // The folder's .env matters to its projects and may set COMPOSE_FILE; otherwise it is not read.
  if (!found.length && !rootDotEnv && !env.COMPOSE_FILE) return { projects: [], diagnostics };
  const rootEnv = await loadEnv(folder, reads, env, diagnostics);
  const envFor = async (p: ProjectFiles) =>
    p.dir === '' ? rootEnv : loadEnv(resolve(folder, p.dir), reads, env, diagnostics);
  const plans: Plan[] = [];

  const fromComposeFile = await composeFilePlan(folder, rootEnv, env, reads, diagnostics);
  const listed = fromComposeFile?.listed;
  if (fromComposeFile?.plan) plans.push(fromComposeFile.plan);

  for (const p of found) {
    const abs = p.files.map((f) => resolve(folder, f));
    if (listed && (p.dir === '' || abs.some((f) => listed.has(f)))) continue;
    warnIgnoredFiles(folder, p, diagnostics);
    plans.push({ workingDir: resolve(folder, p.dir), files: abs, podman: p.podman, env: await envFor(p) });
  }

  const projects: ComposeProject[] = [];
  for (const plan of plans) {
    const project = await detectProject(plan, reads, diagnostics);
    if (project) projects.push(project);
  }
  return { projects, diagnostics };
}

/**
 * The project COMPOSE_FILE names (when every file it lists can be read) and the files it lists,
 * which no directory lookup then claims; undefined without COMPOSE_FILE.
 */
async function composeFilePlan(
  folder: string,
  rootEnv: EnvSource,
  env: NodeJS.ProcessEnv,
  reads: Reads,
  diagnostics: ContextDiagnostic[],
): Promise<{ plan?: Plan; listed: Set<string> } | undefined> {
  const composeFile = rootEnv.lookup('COMPOSE_FILE');
  if (!composeFile) return undefined;
  const sep = rootEnv.lookup('COMPOSE_PATH_SEPARATOR') || (process.platform === 'win32' ? ';' : ':');
  const paths = composeFile
    .split(sep)
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => resolve(folder, f));
  if (paths.length > LIMITS.maxComposeFiles) {
    const fromDotEnv = env.COMPOSE_FILE === undefined;
    diagnostics.push(
      diagnostic(
        fromDotEnv ? rootEnv.dotenvPath : folder,
        `COMPOSE_FILE lists ${paths.length} files, more than the ${LIMITS.maxComposeFiles} detection reads; ` +
          'only the first ones are looked at.',
        'warning',
        lineRange(fromDotEnv ? (rootEnv.dotenv.lines.get('COMPOSE_FILE') ?? 0) : 0, 0, 'COMPOSE_FILE'.length),
      ),
    );
    paths.length = LIMITS.maxComposeFiles;
  }
  const readable: string[] = [];
  // COMPOSE_FILE may list many paths: read a few at a time (the pool), keep their order.
  const outcomes = await Promise.all(paths.map((p) => reads.get(p)));
  for (const [i, p] of paths.entries()) {
    const got = outcomes[i];
    if (got.ok) readable.push(p);
    else if (env.COMPOSE_FILE === undefined) {
      // Pointed out in the .env file the setting comes from; by position, not by the path it holds.
      const line = rootEnv.dotenv.lines.get('COMPOSE_FILE') ?? 0;
      diagnostics.push(
        diagnostic(
          rootEnv.dotenvPath,
          `COMPOSE_FILE lists a file that cannot be read (entry ${i + 1} of ${paths.length}` +
            `${got.reason === 'missing' ? '' : `: ${failureReason(got)}`}); Compose will not start this project.`,
          'warning',
          lineRange(line, 0, 'COMPOSE_FILE'.length),
        ),
      );
    } else if (worthReporting(got)) {
      // Set outside the folder: shown on the file itself, which is there but cannot be read.
      diagnostics.push(notReadDiagnostic(p, got, 'compose', { why: 'COMPOSE_FILE in the environment lists it' }));
    }
  }
  const listed = new Set(paths);
  if (readable.length !== paths.length || !paths.length) return { listed };
  const plan: Plan = {
    workingDir: dirname(paths[0]),
    files: paths,
    podman: /^podman-compose\./.test(basename(paths[0])),
    env: rootEnv,
  };
  return { plan, listed };
}

/** A warning on each Compose file of a directory that the lookup passes over for another. */
function warnIgnoredFiles(folder: string, p: ProjectFiles, diagnostics: ContextDiagnostic[]): void {
  for (const { file, used, kind } of p.ignored) {
    diagnostics.push(
      diagnostic(
        resolve(folder, file),
        kind === 'base'
          ? `Compose reads ${used} in this folder; this file is ignored.`
          : `Compose reads one override file, ${used}; this one is ignored (Compose v1 refuses to run with both).`,
        'warning',
        lineRange(0),
      ),
    );
  }
}
