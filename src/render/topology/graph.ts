// The exposure picture as a graph, before layout: the zones on one side, the
// host and the platform network as boxes, every service once at its address,
// and one edge per cell of the proof's matrix (open cells always, blocked ones
// on request), coloured later by the layer that decided it. Pure: it reads the
// matrix the analyzer computed, never the artifacts or the model's own idea of
// what is open, so the picture shows what `moat check` proved.
import type { Layer, MatrixRow } from '../../analyze/index.js';
import { byText } from '../../model/order.js';
import type { ZoneName } from '../../model/types.js';

export const TOPOLOGY_ZONES: readonly ZoneName[] = ['internet', 'admin', 'tailnet', 'host', 'platform'];

const ZONE_LABELS: Readonly<Record<ZoneName, string>> = {
  internet: 'internet',
  admin: 'admin IP',
  tailnet: 'tailnet',
  host: 'the host itself',
  platform: 'platform network',
};

export interface TopologyService {
  readonly name: string;
  readonly title: string;
  readonly address: string;
}

export interface TopologyInput {
  /** Shown at the top of the picture (the project, or what was audited). */
  readonly title: string;
  readonly matrix: readonly MatrixRow[];
  /** Every service to draw, even one no cell reaches; services only the matrix names are added. */
  readonly services: readonly TopologyService[];
  /** How the platform box is labelled (its network and subnet). */
  readonly platformLabel: string;
  /** How the host box is labelled (its addresses). */
  readonly hostLabel: string;
  /** Draw blocked cells too (dashed), not only open ones. */
  readonly includeBlocked?: boolean;
}

export type NodeKind = 'zone' | 'service' | 'host-process' | 'box';

export interface TopologyNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
  /** A second line (the address). */
  readonly detail?: string;
  /** The box this node is drawn in, if any. */
  readonly parent?: string;
  /** For zones and services: the name the matrix uses. */
  readonly name?: string;
}

export interface TopologyEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly label: string;
  readonly zone: ZoneName;
  readonly layer: Layer;
  readonly verdict: 'open' | 'blocked';
  readonly port: number;
  readonly portEnd?: number;
  readonly protocol: string;
  readonly address: string;
  readonly via: MatrixRow['via'];
  readonly service?: string;
}

export interface TopologyGraph {
  readonly title: string;
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
}

const HOST_BOX = 'box:host';
const PLATFORM_BOX = 'box:platform';

/** The node a cell points at: its service, a host process, or (nothing named) its address. */
function targetOf(row: MatrixRow): { id: string; kind: 'service' | 'host-process'; name: string } {
  if (row.via === 'host') {
    const name = row.service ?? `${row.address}:${row.port}`;
    return { id: `proc:${name}`, kind: 'host-process', name };
  }
  const name = row.service ?? row.address;
  return { id: `svc:${name}`, kind: 'service', name };
}

function edgeLabel(row: MatrixRow): string {
  const ports = `${row.port}${row.portEnd !== undefined && row.portEnd !== row.port ? `-${row.portEnd}` : ''}/${row.protocol}`;
  switch (row.via) {
    case 'gateway':
      return row.route ? `${row.route.path} on :${row.route.origin}` : ports;
    case 'publish':
    case 'container':
      return `${row.address}:${ports}`;
    case 'host':
      return ports;
  }
}

const rowOrder = (a: MatrixRow, b: MatrixRow): number =>
  TOPOLOGY_ZONES.indexOf(a.zone) - TOPOLOGY_ZONES.indexOf(b.zone) ||
  byText(a.service ?? '', b.service ?? '') ||
  byText(a.address, b.address) ||
  a.port - b.port ||
  byText(a.protocol, b.protocol) ||
  byText(a.via, b.via) ||
  byText(a.route?.path ?? '', b.route?.path ?? '');

export function topologyGraph(input: TopologyInput): TopologyGraph {
  const rows = input.matrix.filter((r) => r.verdict === 'open' || input.includeBlocked === true).sort(rowOrder);
  const nodes = new Map<string, TopologyNode>();
  for (const zone of TOPOLOGY_ZONES) nodes.set(`zone:${zone}`, { id: `zone:${zone}`, kind: 'zone', label: ZONE_LABELS[zone], name: zone });
  nodes.set(HOST_BOX, { id: HOST_BOX, kind: 'box', label: input.hostLabel });
  nodes.set(PLATFORM_BOX, { id: PLATFORM_BOX, kind: 'box', label: input.platformLabel });
  for (const s of [...input.services].sort((a, b) => byText(a.name, b.name))) {
    nodes.set(`svc:${s.name}`, {
      id: `svc:${s.name}`,
      kind: 'service',
      label: s.title,
      detail: `${s.name} · ${s.address}`,
      parent: PLATFORM_BOX,
      name: s.name,
    });
  }
  const edges: TopologyEdge[] = [];
  for (const row of rows) {
    const target = targetOf(row);
    if (!nodes.has(target.id)) {
      nodes.set(target.id, {
        id: target.id,
        kind: target.kind,
        label: target.name,
        ...(target.kind === 'host-process' ? { detail: `${row.address}` } : { detail: row.address }),
        parent: target.kind === 'host-process' ? HOST_BOX : PLATFORM_BOX,
        name: target.name,
      });
    }
    edges.push({
      id: `edge:${edges.length}`,
      source: `zone:${row.zone}`,
      target: target.id,
      label: edgeLabel(row),
      zone: row.zone,
      layer: row.decidedBy,
      verdict: row.verdict,
      port: row.port,
      ...(row.portEnd !== undefined ? { portEnd: row.portEnd } : {}),
      protocol: row.protocol,
      address: row.address,
      via: row.via,
      ...(row.service !== undefined ? { service: row.service } : {}),
    });
  }
  // An empty box is not drawn: ELK lays out a childless compound node as a plain node.
  const used = new Set([...nodes.values()].map((n) => n.parent).filter((p): p is string => p !== undefined));
  const kept = [...nodes.values()].filter((n) => n.kind !== 'box' || used.has(n.id));
  return { title: input.title, nodes: kept, edges };
}
