// Reads the port & security reference (shared/reference/ports_security.md,
// beside the repository) into rows, so the catalog tests compare against the
// document itself, not a copy of it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const referenceDocPath = path.resolve(repoRoot, '../shared/reference/ports_security.md');

/** The rows of the first markdown table after `heading`, as arrays of trimmed cells. */
export function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`heading ${JSON.stringify(heading)} not found in ${referenceDocPath}`);
  const rows: string[][] = [];
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    const t = line.trim();
    if (t.startsWith('|')) {
      inTable = true;
      const cells = t.slice(1, -1).split('|').map((c) => c.trim());
      if (cells.every((c) => /^-+$/.test(c))) continue; // the separator row
      rows.push(cells);
    } else if (inTable) break;
  }
  const [, ...body] = rows; // drop the header row
  return body;
}

export function readReferenceDoc(): string {
  return readFileSync(referenceDocPath, 'utf8');
}

/** The 14 (name, address) pairs of "Static IP Assignments". */
export function staticAddressTable(): { name: string; address: string; hostname: string }[] {
  return tableAfter(readReferenceDoc(), '### Static IP Assignments').map(([name = '', address = '', hostname = '']) => ({ name, address, hostname }));
}
