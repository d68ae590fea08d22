// The egress policy of Dify's SSRF proxy (squid), as a pure function of the
// platform: a renderer writes it to the bundle as `dify/squid.conf` (see the
// dify-ssrf-proxy volume in dify.ts).
//
// Why not upstream's docker/ssrf_proxy/squid.conf.template: it limits ports and
// which clients may use the proxy, not where they may go, so an HTTP node could
// reach every service on the platform network (Ollama and signal-api have no
// auth) and the cloud metadata address. Here those are denied by destination
// address, checked by squid after DNS resolution. Sandboxed code reaches the
// network only through this proxy: the sandbox sits on an internal network
// shared with squid and the API (dify-network.ts), as upstream does.
// Sources: https://github.com/langgenius/dify/blob/1.17.1/docker/ssrf_proxy/squid.conf.template,
// https://github.com/squid-cache/squid/blob/SQUID_6_6/src/main.cc (setEffectiveUser before accessLogInit),
// https://docs.dify.ai/learn-more/faq/install-faq (why the SSRF proxy exists),
// https://www.squid-cache.org/Doc/config/acl/
import { containsCidr } from 'cidr-tools';
import type { Platform } from '../model/types.js';

/** Destinations no workflow may reach: loopback, private, CGNAT (the tailnet), link-local (metadata). */
export const SSRF_DENIED_DESTINATIONS = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '::1',
  'fc00::/7',
  'fe80::/10',
] as const;

export const SSRF_PROXY_PORT = 3128;

export function difySquidConf(platform: Platform): string {
  // Clients: the platform network and the internal networks squid shares with
  // its clients (the sandbox network), never anything else.
  const proxy = platform.services.find((s) => s.name === 'dify-ssrf-proxy');
  const internal = (proxy?.internalNetworks ?? []).map((n) => n.subnet);
  const subnets = platform.networks.map((n) => n.subnet);
  const clients = [...new Set([...subnets, ...internal])];
  // A platform subnet outside the private ranges (a user's choice) is denied too;
  // one inside them is already covered (squid warns about overlapping entries).
  const v4 = SSRF_DENIED_DESTINATIONS.filter((c) => !c.includes(':'));
  const extra = subnets.filter((s) => s.includes(':') || !containsCidr([...v4], s));
  const denied = [...SSRF_DENIED_DESTINATIONS, ...extra];
  return [
    '# Dify SSRF proxy policy, rendered by moat from the platform model. Do not edit.',
    `http_port ${SSRF_PROXY_PORT}`,
    // Fixed, so squid needs no DNS for its own name and error pages name no host.
    'visible_hostname dify-ssrf-proxy',
    `acl platform_clients src ${clients.join(' ')}`,
    'acl SSL_ports port 443',
    'acl Safe_ports port 80 443 1025-65535',
    'acl CONNECT method CONNECT',
    `acl internal_dst dst ${denied.join(' ')}`,
    'http_access deny !Safe_ports',
    'http_access deny CONNECT !SSL_ports',
    '# Never toward the platform, the tailnet, the host or the cloud metadata service.',
    'http_access deny internal_dst',
    'http_access deny manager',
    'http_access allow platform_clients',
    'http_access deny all',
    'cache deny all',
    // Upstream's template: bodies above squid's 512 KB default (file uploads of
    // HTTP nodes) fail otherwise (langgenius/dify#14161).
    'client_request_buffer_max_size 100 MB',
    'coredump_dir /var/spool/squid',
    // Logs stay in squid's default files (/var/log/squid, owned by the
    // effective user), which the image's entrypoint tails to the container log.
    // Not /dev/stdout: squid opens its logs after dropping to `proxy`, and the
    // runtime's root-owned stdout cannot be reopened by it (FATAL at start).
    '',
  ].join('\n');
}
