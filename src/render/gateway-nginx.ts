// The gateway's nginx.conf: TLS on the main origin (the reference's 8443) with
// the routes of apps that can live under a path, and one TLS server per app
// that needs an origin of its own (served at `/`, its reference path on the
// main origin redirecting there). Nothing rewrites an app's responses.
// Upstreams are `upstream` blocks by static address with keepalive: no DNS at
// request time, connections reused, and nginx starts while an app is down.
// Unknown names get no TLS handshake; a loopback-only server answers the
// container's health check.
import { SECURITY_HEADERS } from '../catalog/security-headers.js';
import type { Finding } from '../model/findings.js';
import { gatewayOrigins, serviceByName } from '../model/lookup.js';
import { tailnetName } from '../model/normalize.js';
import { byText } from '../model/order.js';
import type { Route, Service } from '../model/types.js';
import { assertNever } from '../model/types.js';
import { block, configPathOf, healthEndpoint, healthLocation, httpCommon, type Line, nginxFile, streamingLines, websocketLines } from './nginx-conf.js';
import type { Renderer } from './types.js';

// Mozilla "intermediate" cipher list (TLS 1.2); TLS 1.3 suites are not configurable here.
const CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

// One list with the probe, which checks each of these on every route. Set at
// server level and inherited by every location (none has an add_header of its own).
const SECURITY_HEADER_LINES = SECURITY_HEADERS.map((h) => `add_header ${h.name} "${h.value}" always;`);

/** Idle connections nginx keeps per upstream (per worker). */
const KEEPALIVE = 16;

/** An nginx identifier for a service's upstream block (service names are `[a-z][a-z0-9-]*`). */
export function upstreamName(service: string, port: number): string {
  return `moat_${service.replaceAll('-', '_')}_${port}`;
}

function uriVariable(route: Route): string {
  return `$moat_uri_${route.service.replaceAll('-', '_')}`;
}

/** The start page's route: `/` of the main origin. */
function isRoot(route: Route): boolean {
  return route.servedAt === 'path' && base(route.path) === '';
}

/** The route's path without a trailing slash. */
function base(path: string): string {
  return path.replace(/\/+$/, '');
}

interface RoutedTarget {
  readonly route: Route;
  readonly index: number;
  readonly service: Service;
}

export const renderGatewayNginx: Renderer = (platform) => {
  const warnings: Finding[] = [];
  const gatewayService = serviceByName(platform, platform.gateway.service);
  const { tls } = platform.gateway;
  const { tailscale } = platform.host;
  // The bare Tailscale address is not a server name: a request to it carries no SNI and is refused.
  const serverNames = [tailnetName(platform.host), tailscale.hostname];

  const targets: RoutedTarget[] = [];
  platform.gateway.routes.forEach((route, index) => {
    const service = serviceByName(platform, route.service);
    if (service) {
      targets.push({ route, index, service });
      return;
    }
    warnings.push({
      code: 'render.gateway.unknown-service',
      severity: 'high',
      path: `gateway.routes[${index}].service`,
      message: `route ${route.path} points at ${route.service}, which is not a service of the platform`,
      hint: 'name a service of the platform, or remove the route',
    });
  });
  const byPath = [...targets].sort((a, b) => byText(a.route.path, b.route.path));

  const origins = gatewayOrigins(platform);
  const http: Line[] = [
    ...httpCommon({ resolver: false }),
    '',
    ...upstreamBlocks(byPath),
    ...uriMaps(byPath),
    `ssl_certificate ${tls.certFile};`,
    `ssl_certificate_key ${tls.keyFile};`,
    `ssl_protocols ${tls.protocols.join(' ')};`,
    `ssl_ciphers ${CIPHERS};`,
    'ssl_prefer_server_ciphers off;',
    'ssl_session_cache shared:moat_tls:10m;',
    'ssl_session_timeout 1d;',
    'ssl_session_tickets off;',
    '',
    '# Unknown names get no TLS handshake (so not even the certificate), and no answer.',
    block('server', [...origins.map((o) => `listen ${o.port} ssl default_server;`), 'http2 on;', 'server_name _;', 'ssl_reject_handshake on;', 'return 444;']),
  ];

  // The main origin: routes served under their path, redirects for the apps with their own origin.
  // `/` itself is the start page's (the console's route; model/config-routes.ts lets no other take it):
  // nginx picks the longest matching prefix, so every route's own path still wins over it.
  const main: Line[] = [];
  const root = byPath.find((t) => isRoot(t.route));
  for (const t of byPath) {
    if (t === root) continue;
    main.push(...(t.route.servedAt === 'origin' ? redirectLocations(t.route) : pathLocations(t.route, t.service)), '');
  }
  if (root) {
    main.push(
      `# / → ${root.service.name}:${root.route.port}: the start page, and what no other route claims`,
      ...root.route.notes.map((n) => `# ${n.replace(/\s+/g, ' ')}`),
      block('location /', proxyLines(root.route, root.service, '')),
    );
  } else main.push('# Anything else is not here.', block('location /', ['return 404;']));
  http.push(
    '',
    `# The main origin, ${origins[0]?.url ?? ''}: the routes of apps that can live under a path.`,
    serverBlock(platform.gateway.listenPort, serverNames, main),
  );

  for (const origin of origins.slice(1)) {
    const t = byPath.find((x) => x.route === origin.route);
    if (!t) continue;
    http.push(
      '',
      `# ${t.route.service}'s own origin, ${origin.url}: served at /, nothing rewritten.`,
      ...t.route.notes.map((n) => `# ${n.replace(/\s+/g, ' ')}`),
      serverBlock(origin.port, serverNames, [block('location /', proxyLines(t.route, t.service, ''))]),
    );
  }

  const health = healthEndpoint(gatewayService);
  if (health) {
    http.push(
      '',
      '# For the container health check only: loopback inside the container, never published.',
      block('server', [`listen 127.0.0.1:${health.port};`, healthLocation(health.path), block('location /', ['return 404;'])]),
    );
  } else {
    warnings.push({
      code: 'render.gateway.no-health-endpoint',
      severity: 'low',
      path: 'gateway.service',
      message: `the health check of ${platform.gateway.service} names no http://127.0.0.1:<port>/<path> URL, so the gateway serves none`,
      hint: 'give the gateway service a wget check of http://127.0.0.1:8081/healthz',
    });
  }

  const comments = [
    `The gateway: TLS on ${origins.map((o) => o.port).join(', ')}, published only on the Tailscale address ${tailscale.address}.`,
    'Upstreams are static addresses with keepalive: no DNS at request time, and nginx starts while an app is down.',
  ];
  const content = nginxFile(comments, http);
  return { files: [{ path: configPathOf(gatewayService, 'nginx/nginx.conf'), content, sourceMap: routeLines(content, targets) }], warnings };
};

/** Each route's locations (and its own origin's server) → `gateway.routes[i]`, read back from the text. */
function routeLines(content: string, targets: readonly RoutedTarget[]): { line: number; path: string }[] {
  // Lines indexed by their text once: a scan of every line per route grew with the square of the platform.
  const byText = new Map<string, number[]>();
  content.split('\n').forEach((l, i) => {
    const key = l.trim();
    const at = byText.get(key);
    if (at) at.push(i + 1);
    else byText.set(key, [i + 1]);
  });
  const out: { line: number; path: string }[] = [];
  for (const t of targets) {
    if (isRoot(t.route)) {
      // The main server's `location /` comes first in the file (own origins and the health server follow).
      const first = byText.get('location / {')?.[0];
      if (first !== undefined) out.push({ line: first, path: `gateway.routes[${t.index}]` });
      const upstream = byText.get(`upstream ${upstreamName(t.service.name, t.route.port)} {`) ?? [];
      for (const line of upstream) out.push({ line, path: `gateway.routes[${t.index}]` });
      continue;
    }
    const prefix = base(t.route.path);
    const marks = new Set([
      `location = ${prefix} {`,
      `location ${prefix}/ {`,
      `location ^~ ${prefix}/ {`,
      `upstream ${upstreamName(t.service.name, t.route.port)} {`,
    ]);
    const lines = [...marks].flatMap((m) => byText.get(m) ?? []).sort((a, b) => a - b);
    for (const line of lines) out.push({ line, path: `gateway.routes[${t.index}]` });
  }
  return out.sort((a, b) => a.line - b.line);
}

function serverBlock(port: number, names: readonly string[], locations: readonly Line[]): Line {
  return block('server', [`listen ${port} ssl;`, 'http2 on;', `server_name ${names.join(' ')};`, ...SECURITY_HEADER_LINES, '', ...locations]);
}

/** One upstream block per routed service and port, by the service's static address. */
function upstreamBlocks(targets: readonly RoutedTarget[]): Line[] {
  const seen = new Set<string>();
  const out: Line[] = [];
  for (const { route, service } of targets) {
    const name = upstreamName(service.name, route.port);
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(block(`upstream ${name}`, [`server ${service.address}:${route.port};`, `keepalive ${KEEPALIVE};`]), '');
  }
  return out;
}

/**
 * A strip route passes the raw request URI minus its prefix: a rewrite would
 * pass nginx's decoded URI, turning `/webhook/a%2Fb` into `/webhook/a/b`.
 * `$request_uri` is the client's URI as sent (query included).
 */
function uriMaps(targets: readonly RoutedTarget[]): Line[] {
  const out: Line[] = [];
  for (const { route } of targets) {
    if (route.servedAt !== 'path' || route.prefix !== 'strip') continue;
    const prefix = base(route.path).replaceAll('.', '\\.');
    out.push(block(`map $request_uri ${uriVariable(route)}`, [`"~^${prefix}(?<rest>/.*)$" $rest;`, 'default /;']), '');
  }
  return out;
}

function pathLocations(route: Route, service: Service): Line[] {
  const prefix = base(route.path);
  const out: Line[] = [`# ${prefix} → ${service.name}:${route.port} (prefix: ${route.prefix})`];
  for (const note of route.notes) out.push(`# ${note.replace(/\s+/g, ' ')}`);
  switch (route.prefix) {
    case 'native':
      // The app handles its base path with or without the slash, and its UI may open
      // a WebSocket at exactly the prefix: proxy it, never redirect it.
      out.push(block(`location = ${prefix}`, proxyLines(route, service, prefix)));
      out.push(block(`location ${prefix}/`, proxyLines(route, service, prefix)));
      break;
    case 'strip':
      out.push(block(`location = ${prefix}`, [`return 301 ${prefix}/$is_args$args;`]));
      out.push(block(`location ${prefix}/`, proxyLines(route, service, prefix)));
      break;
    case 'none':
      // normalize serves `none` routes at their own origin; one without an originPort is a config finding.
      out.push(`# ${route.service} cannot serve under ${prefix} and has no origin port: not routed`);
      break;
    default:
      assertNever(route.prefix, 'prefix mode');
  }
  return out;
}

/** The reference's path on the main origin sends the browser to the app's own origin. */
function redirectLocations(route: Route): Line[] {
  const prefix = base(route.path);
  const target = `https://$host:${route.originPort}`;
  return [
    `# ${prefix} → ${route.service}'s own origin on ${route.originPort} (no base-path support, or one origin per app)`,
    block(`location = ${prefix}`, [`return 301 ${target}/$is_args$args;`]),
    block(`location ^~ ${prefix}/`, [`rewrite ^${prefix.replaceAll('.', '\\.')}/(.*)$ ${target}/$1 permanent;`]),
  ];
}

function proxyLines(route: Route, service: Service, prefix: string): Line[] {
  const upstream = `http://${upstreamName(service.name, route.port)}`;
  const strip = route.servedAt === 'path' && route.prefix === 'strip';
  const body: Line[] = [
    // Without a URI part nginx passes the client's URI as sent; a strip route passes it minus the prefix.
    `proxy_pass ${upstream}${strip ? uriVariable(route) : ''};`,
    'proxy_http_version 1.1;',
    // $http_host keeps the port: apps that compare Origin with Host/X-Forwarded-Host
    // (n8n's push) refuse every non-443 origin when it is lost.
    'proxy_set_header Host $http_host;',
    'proxy_set_header X-Real-IP $remote_addr;',
    // The edge overwrites X-Forwarded-For: apps trust it from the gateway's
    // address (Clawdbot's trustedProxies), so a client must not choose it.
    'proxy_set_header X-Forwarded-For $remote_addr;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
    'proxy_set_header X-Forwarded-Host $http_host;',
    'proxy_set_header X-Forwarded-Port $server_port;',
  ];
  if (prefix !== '') body.push(`proxy_set_header X-Forwarded-Prefix ${prefix};`);
  body.push(...websocketLines(route.websocket));
  body.push(
    `client_max_body_size ${route.maxBodyMegabytes}m;`,
    `proxy_read_timeout ${route.readTimeoutSeconds}s;`,
    `proxy_send_timeout ${route.readTimeoutSeconds}s;`,
    // The gateway's security headers are the ones the browser gets, once each: an app's own
    // (AnythingLLM's X-Frame-Options, the console's Referrer-Policy) would double them, and a
    // doubled header is what `moat probe` reports as not the rendered value.
    ...SECURITY_HEADERS.map((h) => `proxy_hide_header ${h.name};`),
  );
  if (route.streaming) body.push('# Streamed tokens and SSE go out as they arrive.', ...streamingLines());
  return body;
}
