// The port tables (render/port-tables.ts) and reference notes as aligned text
// for the terminal. Same rows as PORTS.md; widths count emoji as two columns.
import pc from 'picocolors';
import { byText } from '../model/order.js';
import type { ReferenceNote } from '../model/types.js';
import type { PortTable, TableRow } from '../render/port-tables.js';

export function formatTables(tables: readonly PortTable[]): string {
  return tables.map(formatTable).join('\n');
}

function marks(row: TableRow): string {
  return [...(row.added ? ['+ added'] : []), ...row.notes].join(', ');
}

export function formatTable(table: PortTable): string {
  const columns = [...table.columns, 'moat'];
  const rows = table.rows.map((row) => [...row.cells, marks(row)]);
  const widths = columns.map((c, i) => Math.max(width(c), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - width(c))))
      .join('  ')
      .trimEnd();
  return [pc.bold(table.title), pc.dim(line(columns)), ...rows.map(line), ''].join('\n');
}

export function formatNotes(notes: readonly ReferenceNote[]): string {
  if (notes.length === 0) return '';
  const sorted = [...notes].sort((a, b) => byText(a.code, b.code));
  const lines = [pc.bold('Differences from the reference')];
  for (const n of sorted) {
    lines.push(`  ${n.code}  ${n.subject}`, `      reference: ${n.reference}`, `      moat:      ${n.moat}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Terminal columns of a string: wide emoji count two, variation selectors none. */
export function width(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0xfe0f || (cp >= 0x300 && cp <= 0x36f)) continue;
    n += cp >= 0x2600 && cp <= 0x27bf ? 2 : cp >= 0x1f000 ? 2 : 1;
  }
  return n;
}
