// The port & security reference (shared/reference/ports_security.md, beside
// the repository) and a small parser for its markdown tables, so tests compare
// against the document itself, not a copy of it.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REFERENCE_URL = new URL('../../../shared/reference/ports_security.md', import.meta.url);

export function referenceDoc(): string {
  const path = fileURLToPath(REFERENCE_URL);
  if (!existsSync(path)) throw new Error(`the reference is missing: ${path} (CI lays shared/ beside the clone)`);
  return readFileSync(path, 'utf8');
}

export interface MdTable {
  /** The nearest heading above the table, without the #s. */
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replaceAll('\\|', '|'));
}

export function markdownTables(text: string): MdTable[] {
  const lines = text.split('\n');
  const tables: MdTable[] = [];
  let title = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading?.[1] !== undefined) title = heading[1].trim();
    const next = lines[i + 1] ?? '';
    if (!line.trim().startsWith('|') || !/^\s*\|[\s:|-]+\|\s*$/.test(next)) continue;
    const columns = cells(line);
    const rows: string[][] = [];
    let j = i + 2;
    for (; j < lines.length && (lines[j] ?? '').trim().startsWith('|'); j++) rows.push(cells(lines[j] ?? ''));
    tables.push({ title, columns, rows });
    i = j - 1;
  }
  return tables;
}

/** The body rows of the table under `title` (a heading, without its #s). */
export function tableAfter(text: string, title: string): (readonly string[])[] {
  const table = markdownTables(text).find((t) => t.title === title);
  if (!table) throw new Error(`no table under the heading ${JSON.stringify(title)} in ${fileURLToPath(REFERENCE_URL)}`);
  return [...table.rows];
}

/** The 14 (name, address, host name) rows of "Static IP Assignments". */
export function staticAddressTable(): { name: string; address: string; hostname: string }[] {
  return tableAfter(referenceDoc(), 'Static IP Assignments').map(([name = '', address = '', hostname = '']) => ({ name, address, hostname }));
}
