// PORTS.md holds every row of every table of the reference. A reference row
// is found by its key columns (each reference cell starts the moat cell, case
// aside: "Google" matches "Google Drive sync"); where moat deliberately
// differs, the row must carry the note that says why.
import { describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { renderPortsDoc } from '../../../src/render/ports-doc.js';
import { type MdTable, markdownTables, referenceDoc } from '../../support/reference-doc.js';

const platform = normalizePlatform(referencePlatform());
const doc = renderPortsDoc(platform, {}).files[0]?.content ?? '';
const ours = markdownTables(doc);
const reference = markdownTables(referenceDoc());

/** Key columns of each reference table (by title). */
const KEYS: Record<string, readonly string[]> = {
  'AWS Security Group Configuration': ['Protocol', 'Port', 'Source'],
  'Services Exposed via NGINX (Port 8443)': ['Service', 'Internal Port', 'External Path'],
  'Backend Services (Internal Docker Network Only)': ['Service', 'Port'],
  'Dify Port Mapping': ['Internal Port'],
  'Static IP Assignments': ['Service', 'IP Address', 'Hostname'],
};

/** Rows where moat differs on purpose: table, reference key cells, the note it must carry. */
const DIFFERENCES: readonly { table: string; key: readonly string[]; note: string }[] = [
  { table: 'AWS Security Group Configuration', key: ['TCP', '8443', 'Tailscale'], note: 'ref.sg-8443' },
  { table: 'AWS Security Group Configuration', key: ['UDP', '41641', '0.0.0.0/0'], note: 'ref.tailscale-udp-optional' },
  { table: 'Backend Services (Internal Docker Network Only)', key: ['Signal API', '8081'], note: 'ref.signal-8081-unused' },
  { table: 'Backend Services (Internal Docker Network Only)', key: ['Google', '5572'], note: 'ref.rclone-rc-not-webdav' },
  { table: 'Backend Services (Internal Docker Network Only)', key: ['Weaviate', '8080'], note: 'ref.weaviate-owner' },
  { table: 'Dify Port Mapping', key: ['8194'], note: 'ref.sandbox-not-routed' },
  { table: 'Dify Port Mapping', key: ['5001'], note: 'ref.dify-routes' },
];

const norm = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();

function column(table: MdTable, name: string): number {
  const at = table.columns.indexOf(name);
  if (at < 0) throw new Error(`${table.title} has no column ${name}`);
  return at;
}

function findRow(table: MdTable, keyColumns: readonly string[], key: readonly string[]): readonly string[] | undefined {
  const at = keyColumns.map((c) => column(table, c));
  return table.rows.find((row) => at.every((col, i) => norm(row[col] ?? '').startsWith(norm(key[i] ?? ''))));
}

function ourTable(title: string): MdTable {
  const table = ours.find((t) => t.title === title);
  if (!table) throw new Error(`PORTS.md has no table "${title}"`);
  return table;
}

describe('PORTS.md against the reference', () => {
  it('parses the five tables of the reference', () => {
    expect(reference.map((t) => t.title)).toEqual(Object.keys(KEYS));
  });

  for (const refTable of reference) {
    const keyColumns = KEYS[refTable.title] ?? [];
    describe(refTable.title, () => {
      it('has the same columns (plus the moat column)', () => {
        expect(ourTable(refTable.title).columns).toEqual([...refTable.columns, 'moat']);
      });
      for (const refRow of refTable.rows) {
        const key = keyColumns.map((c) => refRow[column(refTable, c)] ?? '');
        it(`has the row ${key.join(' | ')}`, () => {
          const row = findRow(ourTable(refTable.title), keyColumns, key);
          expect(row, `no row for ${key.join(' | ')}`).toBeDefined();
          const expected = DIFFERENCES.find((d) => d.table === refTable.title && d.key.every((k, i) => k === key[i]));
          if (expected) expect(row?.at(-1)).toContain(expected.note);
        });
      }
    });
  }

  it('lists every expected difference against a real reference row', () => {
    for (const d of DIFFERENCES) {
      const refTable = reference.find((t) => t.title === d.table);
      expect(refTable && findRow(refTable, KEYS[d.table] ?? [], d.key), `${d.table}: ${d.key.join(' | ')}`).toBeDefined();
    }
  });

  it('shows the sandbox as not routed, where the reference says /sandbox', () => {
    const row = findRow(ourTable('Dify Port Mapping'), ['Internal Port'], ['8194']);
    expect(row?.[column(ourTable('Dify Port Mapping'), 'Dify NGINX Route')]).toBe('N/A');
  });

  it('repeats the network facts of the reference', () => {
    for (const line of referenceDoc()
      .split('\n')
      .filter((l) => /^- \*\*(Subnet|Gateway|Driver|Internal):\*\*/.test(l))) {
      expect(doc).toContain(line.trim());
    }
  });

  it('explains every difference in "Differences from the reference"', () => {
    const section = doc.slice(doc.indexOf('## Differences from the reference'));
    expect(section.length).toBeGreaterThan(40);
    for (const note of platform.notes) expect(section).toContain(`| ${note.code} |`);
  });
});
