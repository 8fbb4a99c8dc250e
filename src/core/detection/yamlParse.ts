/**
 * yaml's parseDocument / parseAllDocuments, made linear for hostile input:
 * - duplicate keys are found here with one Set per mapping (yaml compares each new key with every
 *   earlier one: a 1 MiB mapping of distinct keys takes minutes);
 * - yaml makes an Error per problem, and capturing each one's stack trace dominates a file of
 *   100,000 errors: parsing runs with Error.stackTraceLimit = 0 (synchronous, restored after).
 */
import {
  isMap,
  isScalar,
  parseAllDocuments,
  parseDocument,
  visit,
  YAMLParseError,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
} from 'yaml';

type Options = ParseOptions & DocumentOptions & SchemaOptions;

function withoutStacks<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** "Map keys must be unique" at each repeated scalar key, as yaml itself would report it. */
function addDuplicateKeyErrors(doc: Document): void {
  if (doc.errors.length) return; // a broken document is reported by its syntax errors
  const found: YAMLParseError[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map) || map.items.length < 2) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const k = pair.key;
        if (!isScalar(k) || k.source === '<<' || typeof k.value === 'symbol') continue;
        const id = `${typeof k.value}:${String(k.value)}`;
        if (seen.has(id)) {
          const r = k.range ?? [0, 0, 0];
          found.push(new YAMLParseError([r[0], r[1]], 'DUPLICATE_KEY', 'Map keys must be unique'));
        } else seen.add(id);
      }
    },
  });
  for (const e of found) doc.errors.push(e);
}

export function parseYamlDocument(text: string, options: Options = {}): Document.Parsed {
  return withoutStacks(() => {
    const doc = parseDocument(text, { ...options, uniqueKeys: false });
    addDuplicateKeyErrors(doc);
    return doc;
  });
}

export function parseYamlDocuments(text: string, options: Options = {}): Document.Parsed[] {
  return withoutStacks(() => {
    const docs = parseAllDocuments(text, { ...options, uniqueKeys: false });
    // An empty stream parses to an EmptyStream, which is an empty list of documents here.
    const list = Array.isArray(docs) ? docs : [];
    for (const d of list) addDuplicateKeyErrors(d);
    return list;
  });
}
