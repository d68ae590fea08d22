// The exposure picture (topology.svg): what the proof's matrix says, drawn.
// `moat plan` writes it into the bundle, `moat check --format svg` prints it,
// the console shows it. It takes the analysis, not only the platform, because
// the picture is of what was proved from the rendered artifacts.
import type { MatrixRow } from '../../analyze/index.js';
import type { Platform } from '../../model/types.js';
import { type TopologyInput, topologyGraph } from './graph.js';
import { layoutTopology } from './layout.js';
import { drawTopology } from './svg.js';

export interface TopologyOptions {
  /** Draw blocked cells too, dashed. */
  readonly blocked?: boolean;
}

/** The picture of any matrix (`moat audit` has no platform: the services are those the matrix names). */
export async function topologySvg(input: TopologyInput): Promise<string> {
  return drawTopology(await layoutTopology(topologyGraph(input)), { blocked: input.includeBlocked === true });
}

/** The picture of moat's own platform: every service at its address, whether or not a cell reaches it. */
export function platformTopologyInput(platform: Platform, matrix: readonly MatrixRow[], options: TopologyOptions = {}): TopologyInput {
  const network = platform.networks[0];
  const { host } = platform;
  return {
    title: `${platform.project}: what each zone reaches (moat check)`,
    matrix,
    services: platform.services.map((s) => ({ name: s.name, title: s.title, address: s.address })),
    platformLabel: network ? `Docker network ${network.name} ${network.subnet}` : 'platform network',
    hostLabel: `host (${host.publicInterface}; tailnet ${host.tailscale.address})`,
    ...(options.blocked === true ? { includeBlocked: true } : {}),
  };
}
