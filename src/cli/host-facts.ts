// What `moat host init` reads off the host, parsed from the tools' own
// output: the Tailscale IPv4 address (`tailscale ip -4`: one address a line),
// the node's name on the tailnet (`tailscale status --json`: Self.DNSName,
// `host.tailnet.` with a trailing dot; ipnstate.Status in
// tailscale/tailscale ipn/ipnstate/ipnstate.go), and the interface of the
// default route (`ip -j route show default`: a JSON array of routes, `dev`
// the interface; iproute2's JSON output). Pure, so the recorded outputs are
// the tests.
import { ipVersion } from '../model/net.js';

export interface TailnetName {
  readonly hostname: string;
  readonly tailnet: string;
}

export function parseTailscaleIp4(stdout: string): string | undefined {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .find((l) => ipVersion(l) === 4);
}

/** JSON output, or undefined for anything else (a tool that printed an error on stdout). */
function json(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
}

/** Self.DNSName (`host.tailnet.`); without it (MagicDNS off), Self.HostName and the tailnet's MagicDNSSuffix. */
export function parseTailscaleStatus(stdout: string): TailnetName | undefined {
  const status = json(stdout) as
    | { Self?: { DNSName?: unknown; HostName?: unknown }; MagicDNSSuffix?: unknown; CurrentTailnet?: { MagicDNSSuffix?: unknown } }
    | undefined;
  const text = (v: unknown): string => (typeof v === 'string' ? v.replace(/\.$/, '').toLowerCase() : '');
  const dns = text(status?.Self?.DNSName);
  const dot = dns.indexOf('.');
  if (dot > 0 && dot < dns.length - 1) return { hostname: dns.slice(0, dot), tailnet: dns.slice(dot + 1) };
  const host = text(status?.Self?.HostName);
  const suffix = text(status?.CurrentTailnet?.MagicDNSSuffix) || text(status?.MagicDNSSuffix);
  return host !== '' && suffix !== '' ? { hostname: host, tailnet: suffix } : undefined;
}

export function parseDefaultRoute(stdout: string): string | undefined {
  const routes = json(stdout);
  if (!Array.isArray(routes)) return undefined;
  const route = routes.find(
    (r) =>
      typeof r === 'object' &&
      r !== null &&
      typeof (r as { dev?: unknown }).dev === 'string' &&
      ((r as { dst?: unknown }).dst === 'default' || (r as { dst?: unknown }).dst === undefined),
  );
  return (route as { dev?: string } | undefined)?.dev;
}
