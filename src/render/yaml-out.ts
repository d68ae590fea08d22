// YAML output shared by the renderers: sorted keys, no line folding, and the
// YAML 1.1 quoting rules, so that PyYAML-based tools (docker-compose v1) read
// `on`, `yes` or `no` as the strings they are.
import { LineCounter, parseDocument, stringify } from 'yaml';
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
  for (const [path, model] of entries) {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) out.push({ line: lines.linePos(offset).line, path: model });
  }
  return out;
}
