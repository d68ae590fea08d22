// The gateway's nginx.conf: TLS on the gateway port, one location per route
// with the recipe its app needs (prefix strip/keep/rewrite, WebSocket,
// streaming, body size, timeouts), unknown hosts and paths refused, and a
// loopback-only health server for the container's health check.
import { SECURITY_HEADERS } from '../catalog/security-headers.js';
import type { Finding } from '../model/findings.js';
import { serviceByName } from '../model/lookup.js';
import type { Platform, Route } from '../model/types.js';
import { assertNever } from '../model/types.js';
import {
  type Block,
  type Line,
  block,
  configPathOf,
  healthEndpoint,
  healthLocation,
  httpCommon,
  nginxFile,
  streamingLines,
  upstreamLines,
  websocketLines,
} from './nginx-conf.js';
import type { Renderer } from './types.js';
import { byText } from '../model/order.js';

// Mozilla "intermediate" cipher list (TLS 1.2); TLS 1.3 suites are not configurable here.
const CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

// One list with the probe, which checks each of these on every route.
const SECURITY_HEADER_LINES = SECURITY_HEADERS.map((h) => `add_header ${h.name} "${h.value}" always;`);

export const renderGatewayNginx: Renderer = (platform) => {
  const warnings: Finding[] = [];
  const gatewayService = serviceByName(platform, platform.gateway.service);
  const { listenPort, tls } = platform.gateway;
  const { tailscale } = platform.host;
  const serverNames = [`${tailscale.hostname}.${tailscale.tailnet}`, tailscale.hostname, tailscale.address];

  const routes = [...platform.gateway.routes].sort((a, b) => byText(a.path, b.path));
  const locations: Line[] = [];
  routes.forEach((route) => {
    const index = platform.gateway.routes.indexOf(route);
    const target = serviceByName(platform, route.service);
    if (!target) {
      warnings.push({
        code: 'render.gateway.unknown-service', severity: 'high', path: `gateway.routes[${index}].service`,
        message: `route ${route.path} points at ${route.service}, which is not a service of the platform`,
        hint: 'name a service of the platform, or remove the route',
      });
      locations.push(`# route ${route.path} skipped: ${route.service} is not a service of the platform`, '');
      return;
    }
    if (route.prefix === 'rewrite') {
      warnings.push({
        code: 'render.gateway.rewrite-best-effort', severity: 'low', path: `gateway.routes[${index}].prefix`,
        message: `${route.path}: ${route.service} cannot serve under a path prefix; absolute URLs in its responses are rewritten, best effort`,
        hint: `give ${route.service} its own host name if parts of its UI break under ${route.path}`,
      });
    }
    locations.push(...routeLocations(route, target.name), '');
  });
  const hasRoot = routes.some((r) => base(r.path) === '');
  if (!hasRoot) locations.push('# Anything else is not here.', block('location /', ['return 404;']));

  const http: Line[] = [
    ...httpCommon(),
    '',
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
    block('server', [`listen ${listenPort} ssl default_server;`, 'http2 on;', 'server_name _;', 'ssl_reject_handshake on;', 'return 444;']),
    '',
    block('server', [
      `listen ${listenPort} ssl;`,
      'http2 on;',
      `server_name ${serverNames.join(' ')};`,
      ...SECURITY_HEADER_LINES,
      '',
      ...locations,
    ]),
  ];

  const health = healthEndpoint(gatewayService);
  if (health) {
    http.push(
      '',
      `# For the container health check only: loopback inside the container, never published.`,
      block('server', [`listen 127.0.0.1:${health.port};`, healthLocation(health.path), block('location /', ['return 404;'])]),
    );
  } else {
    warnings.push({
      code: 'render.gateway.no-health-endpoint', severity: 'low', path: 'gateway.service',
      message: `the health check of ${platform.gateway.service} names no http://127.0.0.1:<port>/<path> URL, so the gateway serves none`,
      hint: 'give the gateway service a wget check of http://127.0.0.1:8081/healthz',
    });
  }

  const comments = [
    `The gateway: TLS on ${listenPort}, published only on the Tailscale address ${tailscale.address}.`,
    'Upstreams are variables resolved at request time, so the gateway starts while an app is down.',
  ];
  return { files: [{ path: configPathOf(gatewayService, 'nginx/nginx.conf'), content: nginxFile(comments, http) }], warnings };
};

/** The route's path without a trailing slash ('' for the root). */
function base(path: string): string {
  return path.replace(/\/+$/, '');
}

function routeLocations(route: Route, host: string): Line[] {
  const prefix = base(route.path);
  const out: Line[] = [`# ${prefix || '/'} → ${host}:${route.port} (prefix: ${route.prefix})`];
  for (const note of route.notes) out.push(`# ${note.replace(/\s+/g, ' ')}`);
  // Without the trailing slash the app would see a path outside its prefix.
  if (prefix !== '') out.push(block(`location = ${prefix}`, [`return 301 ${prefix}/$is_args$args;`]));
  out.push(routeLocation(route, prefix, host));
  return out;
}

function routeLocation(route: Route, prefix: string, host: string): Block {
  const body: Line[] = [...upstreamLines(host, route.port)];
  switch (route.prefix) {
    case 'native':
      break;
    case 'strip':
    case 'rewrite':
      // Dots of the path are literal in the regex.
      if (prefix !== '') body.push(`rewrite ^${prefix.replaceAll('.', '\\.')}/(.*)$ /$1 break;`);
      break;
    default:
      assertNever(route.prefix, 'prefix mode');
  }
  body.push(
    'proxy_pass $upstream;',
    'proxy_http_version 1.1;',
    'proxy_set_header Host $host;',
    'proxy_set_header X-Real-IP $remote_addr;',
    // The edge overwrites X-Forwarded-For: apps trust it from the gateway's
    // address (Clawdbot's trustedProxies), so a client must not choose it.
    'proxy_set_header X-Forwarded-For $remote_addr;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
    'proxy_set_header X-Forwarded-Host $host;',
    'proxy_set_header X-Forwarded-Port $server_port;',
  );
  if (prefix !== '') body.push(`proxy_set_header X-Forwarded-Prefix ${prefix};`);
  body.push(...websocketLines(route.websocket));
  body.push(
    `client_max_body_size ${route.maxBodyMegabytes}m;`,
    `proxy_read_timeout ${route.readTimeoutSeconds}s;`,
    `proxy_send_timeout ${route.readTimeoutSeconds}s;`,
  );
  if (route.streaming) {
    body.push('# Streamed tokens and SSE go out as they arrive.', ...streamingLines());
  }
  if (route.prefix === 'rewrite' && prefix !== '') body.push(...rewriteLines(prefix));
  // A location with its own add_header loses the server's: repeat them.
  if (route.streaming) body.push(...SECURITY_HEADER_LINES, 'add_header X-Accel-Buffering no always;');
  return block(`location ${prefix}/`, body);
}

/** Best-effort rewriting of absolute URLs for apps that cannot live under a prefix. */
function rewriteLines(prefix: string): string[] {
  return [
    '# The app emits absolute URLs: rewrite them in responses (best effort).',
    'proxy_set_header Accept-Encoding "";',
    // Not JSON: API payloads carry paths that are data (a rewritten "/v1/stream" breaks clients).
    'sub_filter_types text/css text/javascript application/javascript;',
    'sub_filter_once off;',
    `sub_filter '"/' '"${prefix}/';`,
    `sub_filter "'/" "'${prefix}/";`,
    `sub_filter 'url(/' 'url(${prefix}/';`,
    `proxy_redirect http://$host/ ${prefix}/;`,
    `proxy_redirect https://$host/ ${prefix}/;`,
    `proxy_redirect / ${prefix}/;`,
    `proxy_cookie_path / ${prefix}/;`,
  ];
}
