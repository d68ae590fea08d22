// Lays the exposure graph out with ELK (elkjs, the Eclipse Layout Kernel's
// JavaScript build): layered, left to right, zones first, the host and the
// platform network as boxes whose children it places itself. ELK is
// deterministic for the same graph in the same order, and graph.ts sorts
// everything, so the same proof gives the same picture byte for byte.
// Text is set in a monospace face whose advance is known (0.6 em), so boxes
// and edge labels are sized without a font engine.
import ElkModule, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { TopologyEdge, TopologyGraph, TopologyNode } from './graph.js';

// elkjs is CommonJS: its module.exports is the class, and it sets `.default` to the same class.
const ELK = ElkModule.default;

export const FONT_SIZE = 12;
export const LABEL_FONT_SIZE = 10;
const CHAR = 0.6;
const PAD = 10;
const BOX_HEADER = 22;

export const textWidth = (text: string, size: number): number => Math.ceil(text.length * size * CHAR);

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface PlacedNode extends TopologyNode {
  /** Absolute position of the top-left corner. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedEdge extends TopologyEdge {
  readonly points: readonly Point[];
  readonly labelAt?: Point;
}

export interface PlacedGraph {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

function nodeSize(node: TopologyNode): { width: number; height: number } {
  const lines = [node.label, ...(node.detail ? [node.detail] : [])];
  const width = Math.max(...lines.map((l, i) => textWidth(l, i === 0 ? FONT_SIZE : LABEL_FONT_SIZE))) + 2 * PAD;
  return { width: Math.max(width, 90), height: lines.length === 1 ? 30 : 42 };
}

/** Cells from outside the host carry their label on the picture; the host's and the platform's own
 * cells (every container port) carry it as a tooltip only, or the picture is all text. */
export const labelled = (edge: TopologyEdge): boolean => edge.zone === 'internet' || edge.zone === 'admin' || edge.zone === 'tailnet';

function elkGraph(graph: TopologyGraph): ElkNode {
  const leaf = (n: TopologyNode): ElkNode => ({ id: n.id, ...nodeSize(n) });
  const boxes = graph.nodes.filter((n) => n.kind === 'box');
  const top = graph.nodes.filter((n) => n.kind !== 'box' && n.parent === undefined);
  const children: ElkNode[] = [
    ...top.map(leaf),
    ...boxes.map((box) => ({
      id: box.id,
      layoutOptions: { 'elk.padding': `[top=${BOX_HEADER + PAD},left=${PAD},bottom=${PAD},right=${PAD}]`, 'elk.direction': 'DOWN' },
      children: graph.nodes.filter((n) => n.parent === box.id).map(leaf),
    })),
  ];
  const edges: ElkExtendedEdge[] = graph.edges.map((e) => ({
    id: e.id,
    sources: [e.source],
    targets: [e.target],
    ...(labelled(e) ? { labels: [{ text: e.label, width: textWidth(e.label, LABEL_FONT_SIZE), height: LABEL_FONT_SIZE + 3 }] } : {}),
  }));
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '60',
      'elk.spacing.nodeNode': '14',
      'elk.spacing.edgeEdge': '6',
      'elk.spacing.edgeLabel': '2',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.mergeEdges': 'true',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.padding': `[top=${BOX_HEADER + 2 * PAD},left=${PAD},bottom=${PAD},right=${PAD}]`,
    },
    children,
    edges,
  };
}

const round = (n: number): number => Math.round(n * 10) / 10;

export async function layoutTopology(graph: TopologyGraph): Promise<PlacedGraph> {
  const laid = await new ELK().layout(elkGraph(graph));
  // ELK gives children relative to their parent, edges relative to their container.
  const origin = new Map<string, Point>([['root', { x: 0, y: 0 }]]);
  const shapes = new Map<string, { x: number; y: number; width: number; height: number }>();
  const walk = (node: ElkNode, base: Point): void => {
    for (const child of node.children ?? []) {
      const at = { x: base.x + (child.x ?? 0), y: base.y + (child.y ?? 0) };
      origin.set(child.id, at);
      shapes.set(child.id, { ...at, width: child.width ?? 0, height: child.height ?? 0 });
      walk(child, at);
    }
  };
  walk(laid, { x: 0, y: 0 });
  const byId = new Map(graph.edges.map((e) => [e.id, e]));
  const edges: PlacedEdge[] = [];
  const collect = (node: ElkNode): void => {
    for (const edge of node.edges ?? []) {
      const model = byId.get(edge.id);
      if (!model) continue;
      const base = origin.get(edge.container ?? node.id) ?? { x: 0, y: 0 };
      const points = (edge.sections ?? [])
        .flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint])
        .map((p) => ({ x: round(base.x + p.x), y: round(base.y + p.y) }));
      const label = edge.labels?.[0];
      edges.push({
        ...model,
        points,
        ...(label?.x !== undefined && label.y !== undefined
          ? { labelAt: { x: round(base.x + label.x), y: round(base.y + label.y + (label.height ?? 0) - 3) } }
          : {}),
      });
    }
    for (const child of node.children ?? []) collect(child);
  };
  collect(laid);
  edges.sort((a, b) => Number(a.id.slice(5)) - Number(b.id.slice(5)));
  const nodes: PlacedNode[] = graph.nodes.map((n) => {
    const s = shapes.get(n.id) ?? { x: 0, y: 0, width: 0, height: 0 };
    return { ...n, x: round(s.x), y: round(s.y), width: round(s.width), height: round(s.height) };
  });
  return { title: graph.title, width: round(laid.width ?? 0), height: round(laid.height ?? 0), nodes, edges };
}
