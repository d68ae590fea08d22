// Dify's internal nginx.conf, from platform.internalProxies: the routes of
// Dify's docker/nginx template (paths keep their prefix), streaming for the
// API paths, no response buffering anywhere (as upstream's proxy.conf), 100m
// bodies, a /healthz for the container's health check. Dify has its own origin
// on the gateway, served at `/`: requests arrive with their paths unchanged.
// Source: https://github.com/langgenius/dify/blob/1.17.1/docker/nginx/proxy.conf.template
import type { Finding } from '../model/findings.js';
import { serviceByName } from '../model/lookup.js';
import { byText } from '../model/order.js';
import type { InternalProxy, InternalRoute, Platform } from '../model/types.js';
import {
  block,
  configPathOf,
  healthEndpoint,
  healthLocation,
  httpCommon,
  type Line,
  nginxFile,
  streamingLines,
  upstreamLines,
  websocketLines,
} from './nginx-conf.js';
import type { RenderedFile, Renderer } from './types.js';

const MAX_BODY = '100m';
const PLUGIN_DAEMON = 'dify-plugin-daemon';

export const renderDifyNginx: Renderer = (platform) => {
  const warnings: Finding[] = [];
  const files: RenderedFile[] = [];
  platform.internalProxies.forEach((proxy, index) => {
    files.push(renderProxy(platform, proxy, index, warnings));
  });
  return { files, warnings };
};

function renderProxy(platform: Platform, proxy: InternalProxy, index: number, warnings: Finding[]): RenderedFile {
  const service = serviceByName(platform, proxy.service);
  const health = healthEndpoint(service);
  const routes = [...proxy.routes].sort((a, b) => byText(a.path, b.path));
  const locations: Line[] = [];
  for (const route of routes) {
    const i = proxy.routes.indexOf(route);
    if (!serviceByName(platform, route.service)) {
      warnings.push({
        code: 'render.internal-proxy.unknown-service',
        severity: 'high',
        path: `internalProxies[${index}].routes[${i}].service`,
        message: `${proxy.service} routes ${route.path} to ${route.service}, which is not a service of the platform`,
        hint: 'name a service of the platform, or remove the route',
      });
      locations.push(`# ${route.path} skipped: ${route.service} is not a service of the platform`, '');
      continue;
    }
    locations.push(`# ${route.path} → ${route.service}:${route.port}: ${route.purpose}`, routeLocation(route), '');
  }
  if (health && health.port === proxy.listenPort && !routes.some((r) => r.path === health.path)) {
    locations.push('# For the container health check.', healthLocation(health.path));
  }
  const server = block('server', [`listen ${proxy.listenPort};`, 'server_name _;', `client_max_body_size ${MAX_BODY};`, '', ...locations]);
  const http: Line[] = [
    ...httpCommon(),
    '',
    // Behind the gateway the client's scheme is the gateway's: keep what it says.
    block('map $http_x_forwarded_proto $forwarded_proto', ['default $http_x_forwarded_proto;', "'' $scheme;"]),
    '',
    // The public host and port as the browser sent them: the gateway's
    // X-Forwarded-Host, else this request's Host header (which keeps the port;
    // $host drops it, and Dify's origin is not on 443).
    block('map $http_x_forwarded_host $forwarded_host', ['default $http_x_forwarded_host;', "'' $http_host;"]),
    '',
    server,
  ];
  const comments = [
    `${proxy.service}: the internal routes of Dify, on the platform network only (port ${proxy.listenPort}).`,
    'Upstreams are variables resolved at request time, so this proxy starts while an app is down.',
  ];
  return { path: configPathOf(service, `${proxy.service}/nginx.conf`), content: nginxFile(comments, http) };
}

function routeLocation(route: InternalRoute) {
  const body: Line[] = [
    ...upstreamLines(route.service, route.port),
    // No URI part: the request's path goes to the upstream unchanged, prefix included.
    'proxy_pass $upstream;',
    'proxy_http_version 1.1;',
    'proxy_set_header Host $host;',
    'proxy_set_header X-Real-IP $remote_addr;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $forwarded_proto;',
    ...websocketLines(route.websocket),
    ...(route.service === PLUGIN_DAEMON
      ? [
          // Plugin endpoints learn their public URL from this header (upstream's template sets
          // `$scheme://$host$request_uri`); behind the gateway it has the gateway's scheme and
          // the public port (Dify's own origin, served at `/`: no prefix).
          'proxy_set_header Dify-Hook-Url $forwarded_proto://$forwarded_host$request_uri;',
        ]
      : []),
    'proxy_read_timeout 3600s;',
    'proxy_send_timeout 3600s;',
  ];
  // Upstream's proxy.conf.template turns response buffering off for every
  // location (/e/ plugin endpoints stream SSE too); streaming routes also stop
  // request buffering.
  body.push(...(route.streaming ? streamingLines() : ['proxy_buffering off;']));
  return block(`location ${route.path}`, body);
}
