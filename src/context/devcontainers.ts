import { basename, dirname, resolve } from 'node:path';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { ContextDiagnostic, DevcontainerConfig, ReadText } from './types';

/** .devcontainer/devcontainer.json, .devcontainer.json, .devcontainer/<name>/devcontainer.json. */
export function isDevcontainerPath(rel: string): boolean {
  return rel === '.devcontainer.json' || rel === '.devcontainer/devcontainer.json' || /^\.devcontainer\/[^/]+\/devcontainer\.json$/.test(rel);
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 0;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; last = i; }
  return { line, column: offset - last - 1 };
}

function value(node: JsonNode | undefined): unknown {
  if (!node) return undefined;
  switch (node.type) {
    case 'object': return Object.fromEntries((node.children ?? []).filter((p) => p.children?.length === 2).map((p) => [p.children![0].value, value(p.children![1])]));
    case 'array': return (node.children ?? []).map(value);
    default: return node.value;
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export async function detectDevcontainers(folder: string, files: string[], read: ReadText)
  : Promise<{ configs: DevcontainerConfig[]; diagnostics: ContextDiagnostic[] }> {
  const configs: DevcontainerConfig[] = [];
  const diagnostics: ContextDiagnostic[] = [];
  const folderName = basename(folder);
  for (const rel of files.filter(isDevcontainerPath).sort()) {
    const path = resolve(folder, rel);
    const text = await read(path);
    if (text === undefined) continue;
    const at = (offset: number, length: number, message: string, severity: 'error' | 'warning') => {
      const a = position(text, offset);
      const b = position(text, offset + Math.max(length, 1));
      diagnostics.push({ file: path, message, severity, source: 'devcontainer', range: { line: a.line, column: a.column, endLine: b.line, endColumn: b.column } });
    };
    const errors: ParseError[] = [];
    const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
    for (const e of errors) at(e.offset, e.length, `JSON syntax: ${printParseErrorCode(e.error)}`, 'error');
    if (!root || root.type !== 'object') {
      if (!errors.length) at(0, 1, 'devcontainer.json must be a JSON object.', 'error');
      continue;
    }
    const node = (...p: (string | number)[]) => findNodeAtLocation(root, p);
    const get = (...p: (string | number)[]) => value(node(...p));
    const dir = dirname(path);
    const wrongType = (key: string, expected: string) => {
      const n = node(key);
      if (n) at(n.offset, n.length, `"${key}" should be ${expected}.`, 'warning');
    };

    const image = str(get('image'));
    const dockerfile = str(get('build', 'dockerfile')) ?? str(get('dockerFile'));
    const composeRaw = get('dockerComposeFile');
    const composeFiles = typeof composeRaw === 'string' ? [composeRaw] : Array.isArray(composeRaw) ? composeRaw.filter((x): x is string => typeof x === 'string') : [];
    const service = str(get('service'));
    let kind: DevcontainerConfig['kind'];
    if (composeFiles.length) {
      kind = 'compose';
      if (!service) at(root.offset, 1, 'A Compose dev container needs "service".', 'error');
      if (!str(get('workspaceFolder'))) at(node('dockerComposeFile')!.offset, node('dockerComposeFile')!.length, 'A Compose dev container needs "workspaceFolder".', 'error');
    } else if (dockerfile) kind = 'build';
    else if (image) kind = 'image';
    else {
      at(root.offset, 1, 'A dev container needs "image", "build.dockerfile" or "dockerComposeFile".', 'error');
      continue;
    }
    const forwardPortsRaw = get('forwardPorts');
    if (forwardPortsRaw !== undefined && !Array.isArray(forwardPortsRaw)) wrongType('forwardPorts', 'an array of ports');
    const containerEnvRaw = get('containerEnv');
    if (containerEnvRaw !== undefined && (typeof containerEnvRaw !== 'object' || Array.isArray(containerEnvRaw))) wrongType('containerEnv', 'an object');
    const buildDir = (p: string | undefined) => resolve(dir, p ?? '.');
    const args = get('build', 'args');
    const workspaceFolder = str(get('workspaceFolder')) ?? `/workspaces/${folderName}`;
    configs.push({
      path,
      name: str(get('name')),
      kind,
      image,
      build: kind === 'build' ? {
        dockerfile: resolve(dir, dockerfile!),
        context: buildDir(str(get('build', 'context')) ?? str(get('context'))),
        target: str(get('build', 'target')),
        args: Object.fromEntries(Object.entries(typeof args === 'object' && args && !Array.isArray(args) ? args : {}).map(([k, v]) => [k, String(v)])),
      } : undefined,
      compose: kind === 'compose' ? {
        files: composeFiles.map((f) => resolve(dir, f)),
        service: service ?? '',
        runServices: Array.isArray(get('runServices')) ? (get('runServices') as unknown[]).filter((x): x is string => typeof x === 'string') : undefined,
      } : undefined,
      workspaceFolder,
      workspaceMount: str(get('workspaceMount')) ?? `source=${folder},target=/workspaces/${folderName},type=bind,consistency=cached`,
      forwardPorts: Array.isArray(forwardPortsRaw) ? forwardPortsRaw.filter((p): p is number | string => typeof p === 'number' || typeof p === 'string') : [],
      containerEnv: Object.fromEntries(Object.entries(typeof containerEnvRaw === 'object' && containerEnvRaw && !Array.isArray(containerEnvRaw) ? containerEnvRaw : {})
        .map(([k, v]) => [k, String(v)])),
      remoteUser: str(get('remoteUser')),
      postCreateCommand: get('postCreateCommand') as DevcontainerConfig['postCreateCommand'],
    });
  }
  return { configs, diagnostics };
}
