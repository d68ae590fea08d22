// YAML output shared by the renderers: sorted keys, no line folding, and the
// YAML 1.1 quoting rules, so that PyYAML-based tools (docker-compose v1) read
// `on`, `yes` or `no` as the strings they are.
import { stringify } from 'yaml';
import { generatedHeader } from './types.js';

export function yamlFile(data: unknown, comments: readonly string[] = []): string {
  const head = [generatedHeader('#'), ...comments.map((c) => (c === '' ? '#' : `# ${c}`))].join('\n');
  return `${head}\n${stringify(data, { sortMapEntries: true, lineWidth: 0, version: '1.1' })}`;
}
