// YAML output shared by the renderers: sorted keys, no line folding, and the
// YAML 1.1 quoting rules, so that PyYAML-based tools (docker-compose v1) read
// `on`, `yes` or `no` as the strings they are.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, stringify } from 'yaml';
import { generatedHeader, type SourceMapEntry } from './types.js';

export function yamlFile(data: unknown, comments: readonly string[] = []): string {
  const head = [generatedHeader('#'), ...comments.map((c) => (c === '' ? '#' : `# ${c}`))].join('\n');
  return `${head}\n${stringify(data, { sortMapEntries: true, lineWidth: 0, version: '1.1' })}`;
}

/**
 * Lines of the rendered YAML where key paths start, as a source map: each
 * `[yamlPath, modelPath]` pair gives the line the value of yamlPath starts on
 * (a list item's line for an index). Read back from the text itself, so the
 * map cannot drift from what was written.
 */
export function yamlSourceMap(text: string, entries: readonly (readonly [readonly (string | number)[], string])[]): SourceMapEntry[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, version: '1.1' });
  const out: SourceMapEntry[] = [];
  // doc.getIn looks a key up by a scan of the map's pairs, so one lookup per
  // service over the services map grew with the square of the platform: each
  // map is indexed once instead (the first pair with a key wins, as in getIn).
  const indexes = new Map<unknown, Map<unknown, unknown>>();
  const child = (node: unknown, key: string | number): unknown => {
    if (isSeq(node)) return typeof key === 'number' ? node.items[key] : undefined;
    if (!isMap(node)) return undefined;
    let index = indexes.get(node);
    if (!index) {
      index = new Map();
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? pair.key.value : pair.key;
        if (!index.has(k)) index.set(k, pair.value);
      }
      indexes.set(node, index);
    }
    return index.get(key);
  };
  for (const [path, model] of entries) {
    let node: unknown = doc.contents;
    for (const key of path) node = child(node, key);
    const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
    if (offset !== undefined) out.push({ line: lines.linePos(offset).line, path: model });
  }
  return out;
}
