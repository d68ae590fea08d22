// Draws a laid-out exposure graph as a standalone SVG: presentation attributes
// only (no <style>, no script, no external reference), so a strict
// Content-Security-Policy page can show it and any viewer opens it. Every
// service, zone and edge carries data-* attributes naming what it stands for,
// so tests (and tools) compare the picture with the matrix instead of pixels.
import type { Layer } from '../../analyze/index.js';
import { FONT_SIZE, LABEL_FONT_SIZE, type PlacedEdge, type PlacedGraph, type PlacedNode, textWidth } from './layout.js';

/** One colour per deciding layer (Tailwind's 600 shades: distinct, readable on white). */
export const LAYER_COLOURS: Readonly<Record<Layer, string>> = {
  cloud: '#d97706',
  firewall: '#dc2626',
  publishing: '#2563eb',
  sockets: '#4b5563',
  tailnet: '#7c3aed',
  gateway: '#059669',
};
const BLOCKED = '#9ca3af';
const FONT = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
const LEGEND_ROW = 18;

const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

const attrs = (values: Readonly<Record<string, string | number | undefined>>): string =>
  Object.entries(values)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');

function drawNode(node: PlacedNode): string {
  if (node.kind === 'box') {
    return [
      `<g${attrs({ class: 'box', 'data-box': node.id.slice(4) })}>`,
      `<rect${attrs({ x: node.x, y: node.y, width: node.width, height: node.height, rx: 8, fill: '#f8fafc', stroke: '#94a3b8', 'stroke-width': 1.2 })}/>`,
      `<text${attrs({ x: node.x + 10, y: node.y + 18, 'font-size': FONT_SIZE, 'font-weight': 'bold', fill: '#334155' })}>${escapeXml(node.label)}</text>`,
      '</g>',
    ].join('');
  }
  const fill = node.kind === 'zone' ? '#eef2ff' : node.kind === 'host-process' ? '#fef3c7' : '#ffffff';
  const kindAttr = node.kind === 'zone' ? { class: 'zone', 'data-zone': node.name } : { class: node.kind, 'data-service': node.name };
  const lines = [
    `<text${attrs({ x: node.x + 10, y: node.y + 19, 'font-size': FONT_SIZE, fill: '#0f172a' })}>${escapeXml(node.label)}</text>`,
    ...(node.detail
      ? [`<text${attrs({ x: node.x + 10, y: node.y + 34, 'font-size': LABEL_FONT_SIZE, fill: '#475569' })}>${escapeXml(node.detail)}</text>`]
      : []),
  ];
  return [
    `<g${attrs(kindAttr)}>`,
    `<rect${attrs({ x: node.x, y: node.y, width: node.width, height: node.height, rx: 5, fill, stroke: '#334155', 'stroke-width': 1 })}/>`,
    ...lines,
    '</g>',
  ].join('');
}

function drawEdge(edge: PlacedEdge): string {
  const colour = edge.verdict === 'open' ? LAYER_COLOURS[edge.layer] : BLOCKED;
  const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ');
  const data = {
    class: `edge ${edge.verdict}`,
    'data-zone': edge.zone,
    'data-target': edge.service ?? edge.address,
    'data-address': edge.address,
    'data-port': edge.portEnd !== undefined ? `${edge.port}-${edge.portEnd}` : edge.port,
    'data-protocol': edge.protocol,
    'data-via': edge.via,
    'data-layer': edge.layer,
    'data-verdict': edge.verdict,
  };
  const title = `${edge.zone} → ${edge.label}: ${edge.verdict}, decided by ${edge.layer}`;
  return [
    `<g${attrs(data)}>`,
    `<title>${escapeXml(title)}</title>`,
    `<path${attrs({ d, fill: 'none', stroke: colour, 'stroke-width': 1.4, 'stroke-dasharray': edge.verdict === 'blocked' ? '4 3' : undefined, 'marker-end': `url(#arrow-${edge.verdict === 'open' ? edge.layer : 'blocked'})` })}/>`,
    ...(edge.labelAt
      ? [`<text${attrs({ x: edge.labelAt.x, y: edge.labelAt.y, 'font-size': LABEL_FONT_SIZE, fill: colour })}>${escapeXml(edge.label)}</text>`]
      : []),
    '</g>',
  ].join('');
}

function markers(): string {
  const entries: [string, string][] = [...Object.entries(LAYER_COLOURS), ['blocked', BLOCKED]];
  return `<defs>${entries
    .map(
      ([name, colour]) =>
        `<marker${attrs({ id: `arrow-${name}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' })}><path d="M0 0 L10 5 L0 10 z"${attrs({ fill: colour })}/></marker>`,
    )
    .join('')}</defs>`;
}

function legend(y: number, blocked: boolean): { svg: string; height: number } {
  const rows: [string, string, boolean][] = [
    ...Object.entries(LAYER_COLOURS).map(([layer, colour]): [string, string, boolean] => [`open, decided by ${layer}`, colour, false]),
    ...(blocked ? [['blocked', BLOCKED, true] as [string, string, boolean]] : []),
  ];
  const svg = rows
    .map(([text, colour, dashed], i) => {
      const ly = y + i * LEGEND_ROW;
      return `<line${attrs({ x1: 12, y1: ly, x2: 42, y2: ly, stroke: colour, 'stroke-width': 2, 'stroke-dasharray': dashed ? '4 3' : undefined })}/><text${attrs({ x: 50, y: ly + 4, 'font-size': LABEL_FONT_SIZE, fill: '#334155' })}>${escapeXml(text)}</text>`;
    })
    .join('');
  return { svg: `<g class="legend">${svg}</g>`, height: rows.length * LEGEND_ROW + 10 };
}

export function drawTopology(graph: PlacedGraph, options: { readonly blocked: boolean }): string {
  const key = legend(graph.height + 14, options.blocked);
  const width = Math.max(graph.width, textWidth(graph.title, FONT_SIZE + 2) + 24, 260);
  const height = Math.ceil(graph.height + key.height + 14);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg"${attrs({ viewBox: `0 0 ${Math.ceil(width)} ${height}`, width: Math.ceil(width), height, 'font-family': FONT, role: 'img', 'aria-label': graph.title })}>`,
    `<title>${escapeXml(graph.title)}</title>`,
    markers(),
    `<rect${attrs({ x: 0, y: 0, width: Math.ceil(width), height, fill: '#ffffff' })}/>`,
    `<text${attrs({ x: 12, y: 22, 'font-size': FONT_SIZE + 2, 'font-weight': 'bold', fill: '#0f172a' })}>${escapeXml(graph.title)}</text>`,
    ...graph.nodes.filter((n) => n.kind === 'box').map(drawNode),
    ...graph.edges.map(drawEdge),
    ...graph.nodes.filter((n) => n.kind !== 'box').map(drawNode),
    key.svg,
    '</svg>',
    '',
  ].join('\n');
}
