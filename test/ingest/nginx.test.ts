// The nginx ingester on moat's own rendered gateways and on a corpus of
// configurations people write: explicit servers, listens, locations, upstreams
// and lines (security facts are asserted, never snapshotted).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GatewayServer } from '../../src/analyze/state.js';
import { detectNginx, ingestNginx, NGINX_CODES, NGINX_FINDING_DOCS, type NginxIngestContext, nginxGlobToRegExp } from '../../src/ingest/nginx.js';
import { renderDifyNginx } from '../../src/render/dify-nginx.js';
import { renderGatewayNginx } from '../../src/render/gateway-nginx.js';
import { renderBundle } from '../../src/render/registry.js';
import { goldenPlatform } from '../support/golden.js';
import { CORPUS, mounted } from './corpus/nginx/mount.js';

const servers = (r: ReturnType<typeof ingestNginx>): readonly GatewayServer[] => r.fragment.gateway?.servers ?? [];
const codes = (r: ReturnType<typeof ingestNginx>): string[] => r.problems.map((p) => `${p.code} ${p.path}`);
/** Location → where it goes, in one readable line per location. */
const routes = (s: GatewayServer | undefined): string[] =>
  (s?.locations ?? []).map((l) => {
    const to = l.upstreams?.map((u) => `${u.host}:${u.port}`).join(' ') ?? '';
    const ret = l.returns ? `return ${l.returns.status}${l.returns.target ? ` ${l.returns.target}` : ''}` : '';
    return `${l.modifier}${l.modifier ? ' ' : ''}${l.path} @${l.origin.line} ${[to, l.unresolvedUpstream ? `?${l.unresolvedUpstream}` : '', ret].filter(Boolean).join(' ')}`.trim();
  });

describe('moat rendered gateway (the built-in platform)', () => {
  const platform = goldenPlatform('');
  const [file] = renderGatewayNginx(platform, {}).files;
  const artifact = { file: file?.path ?? '', text: file?.content ?? '' };
  const mime = mounted('debian/etc/nginx', '/etc/nginx');

  it('reads every server, listen and location of the current renderer', () => {
    const result = ingestNginx(artifact, mime.context);
    expect(result.kind).toBe('nginx');
    expect(result.problems).toEqual([]);
    const [reject, main, anything, dify, health, ...rest] = servers(result);
    expect(rest).toEqual([]);
    const bare = (s: GatewayServer | undefined) => routes(s).map((r) => r.replace(/ @\d+/, ''));
    expect(reject?.listens).toEqual([8443, 8444, 8445].map((port) => ({ port, tls: true, defaultServer: true })));
    expect(reject?.serverNames).toEqual(['_']);
    expect(reject?.rejectsHandshake).toBe(true);
    expect(bare(reject)).toEqual(['/ return 444']);
    expect(main?.listens).toEqual([{ port: 8443, tls: true, defaultServer: false }]);
    // The bare Tailscale address is no server name: a request to it carries no SNI and is refused.
    expect(main?.serverNames).toEqual(['ai-platform.example.ts.net', 'ai-platform']);
    expect(main?.rejectsHandshake).toBe(false);
    expect(bare(main)).toEqual([
      '= /anythingllm return 301 https://$host:8444/$is_args$args',
      '^~ /anythingllm/ return 301 https://$host:8444/$1',
      '= /clawdbot 172.20.0.21:3000',
      '/clawdbot/ 172.20.0.21:3000',
      '= /dify return 301 https://$host:8445/$is_args$args',
      '^~ /dify/ return 301 https://$host:8445/$1',
      '= /n8n return 301 /n8n/$is_args$args',
      '/n8n/ 172.20.0.40:5678',
      '/ 172.20.0.3:8080',
    ]);
    expect(anything?.listens).toEqual([{ port: 8444, tls: true, defaultServer: false }]);
    expect(bare(anything)).toEqual(['/ 172.20.0.20:3001']);
    expect(dify?.listens).toEqual([{ port: 8445, tls: true, defaultServer: false }]);
    expect(bare(dify)).toEqual(['/ 172.20.0.30:80']);
    expect(health?.listens).toEqual([{ address: '127.0.0.1', port: 8081, tls: false, defaultServer: true }]);
    expect(bare(health)).toEqual(['= /healthz return 200', '/ return 404']);
    // Every fact is at the line that states it.
    const lines = artifact.text.split('\n');
    for (const s of servers(result)) {
      expect(lines[s.origin.line - 1]?.trim()).toBe('server {');
      for (const l of s.locations) expect(lines[l.origin.line - 1]?.trim()).toMatch(/^(location|return)/);
    }
  });

  it('serves every route of the model from a TLS server, at its service (by name or static address) and port', () => {
    // Independent of how the renderer spells upstreams (variables, upstream blocks, own ports).
    const all = servers(ingestNginx(artifact, mime.context));
    for (const route of platform.gateway.routes) {
      const service = platform.services.find((s) => s.name === route.service);
      const hits = all.flatMap((s) =>
        s.listens.some((l) => l.tls) && !s.rejectsHandshake
          ? s.locations.filter((l) => l.upstreams?.some((u) => (u.host === service?.name || u.host === service?.address) && u.port === route.port))
          : [],
      );
      expect(hits.length, `${route.path} → ${route.service}:${route.port}`).toBeGreaterThan(0);
    }
    // Nothing but the routes' services is proxied.
    const targets = new Set(platform.gateway.routes.map((r) => r.port));
    for (const s of all) for (const l of s.locations) for (const u of l.upstreams ?? []) expect(targets.has(u.port), `${u.host}:${u.port}`).toBe(true);
  });

  it('reports the unreadable mime.types as low, with its line', () => {
    const result = ingestNginx(artifact, {});
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ code: NGINX_CODES.includeUnreadable, severity: 'low', path: 'nginx/nginx.conf:14' });
  });

  it("reads Dify's internal nginx: every route at its service and port", () => {
    const [dify] = renderDifyNginx(platform, {}).files;
    const result = ingestNginx({ file: dify?.path ?? '', text: dify?.content ?? '' }, mime.context);
    expect(result.problems).toEqual([]);
    const [server, ...rest] = servers(result);
    expect(rest).toEqual([]);
    expect(server?.listens).toEqual([{ port: 80, tls: false, defaultServer: true }]);
    expect(routes(server).map((r) => r.replace(/ @\d+/, ''))).toEqual([
      '/ dify-web:3000',
      '/api dify-api:5001',
      '/console/api dify-api:5001',
      '/e/ dify-plugin-daemon:5002',
      '/explore dify-web:3000',
      '/files dify-api:5001',
      '/mcp dify-api:5001',
      '/openapi dify-api:5001',
      '/triggers dify-api:5001',
      '/v1 dify-api:5001',
      '= /healthz return 200',
    ]);
  });
});

describe('corpus: moat-gateway (upstream blocks, map $request_uri, own-origin ports)', () => {
  const m = mounted('moat-gateway', '/etc/nginx');
  const result = ingestNginx(m.artifact('/etc/nginx/nginx.conf'), m.context);

  it('expands upstream blocks behind a variable URI and keeps every TLS port apart', () => {
    expect(codes(result)).toEqual([`${NGINX_CODES.includeUnreadable} /etc/nginx/nginx.conf:13`]);
    const list = servers(result);
    expect(list.map((s) => [s.origin.line, s.listens, s.rejectsHandshake])).toEqual([
      [58, [{ port: 8443, tls: true, defaultServer: true }], true],
      [65, [{ port: 8443, tls: true, defaultServer: false }], false],
      [99, [{ port: 8444, tls: true, defaultServer: true }], true],
      [106, [{ port: 8444, tls: true, defaultServer: false }], false],
      // The only server on 8445 is its default server: unknown names reach it.
      [117, [{ port: 8445, tls: true, defaultServer: true }], false],
      [128, [{ address: '127.0.0.1', port: 8081, tls: false, defaultServer: true }], false],
    ]);
    expect(routes(list[1])).toEqual([
      '= /n8n @70 return 301 /n8n/$is_args$args',
      '/n8n/ @73 172.20.0.30:5678',
      '/clawdbot/ @82 172.20.0.32:3000',
      '/anythingllm @90 return 301 https://$host:8444$request_uri',
      '/ @94 return 404',
    ]);
    expect(routes(list[3])).toEqual(['/ @109 172.20.0.31:3001']);
    expect(routes(list[4])).toEqual(['/ @120 172.20.0.40:80']);
    expect(routes(list[0])).toEqual(['/ @62 return 444']);
  });
});

describe('corpus: Debian layout (/etc/nginx with conf.d and sites-enabled globs)', () => {
  const deb = mounted('debian', '/');
  const result = ingestNginx(deb.artifact('/etc/nginx/nginx.conf'), deb.context);

  it('reads the included sites in glob order, each fact at its own file and line', () => {
    expect(result.problems).toEqual([]);
    const [webui, site, , ...rest] = servers(result);
    expect(rest).toEqual([]);
    expect(webui?.origin).toEqual({ file: '/etc/nginx/conf.d/open-webui.conf', line: 7 });
    expect(webui?.listens).toEqual([{ port: 8080, tls: false, defaultServer: true }]);
    expect(routes(webui)).toEqual(['/ @11 localhost:3000']);
    expect(site?.origin).toEqual({ file: '/etc/nginx/sites-enabled/default', line: 2 });
    expect(site?.listens).toEqual([
      { port: 80, tls: false, defaultServer: true },
      { address: '::', port: 80, tls: false, defaultServer: true },
    ]);
    expect(site?.serverNames).toEqual(['_']);
    expect(routes(site)).toEqual(['/ @18']);
  });

  it('finds Ollama proxied on 443 of every address, with no auth in the way', () => {
    const ollama = servers(result)[2];
    expect(ollama?.origin).toEqual({ file: '/etc/nginx/sites-enabled/ollama', line: 3 });
    expect(ollama?.listens).toEqual([
      { port: 443, tls: true, defaultServer: true },
      { address: '::', port: 443, tls: true, defaultServer: true },
    ]);
    expect(ollama?.locations).toEqual([
      { modifier: '', path: '/', upstreams: [{ host: '127.0.0.1', port: 11434 }], origin: { file: '/etc/nginx/sites-enabled/ollama', line: 11 } },
    ]);
  });

  it('reads a site file on its own as the content of an http block, and says that its relative include is missing', () => {
    const alone = ingestNginx(deb.artifact('/etc/nginx/sites-enabled/ollama'), deb.context);
    expect(codes(alone)).toEqual([
      `${NGINX_CODES.includeUnreadable} /etc/nginx/sites-enabled/ollama:13`,
      `${NGINX_CODES.fragment} /etc/nginx/sites-enabled/ollama:3`,
    ]);
    expect(alone.problems.map((p) => p.severity)).toEqual(['medium', 'info']);
    expect(routes(servers(alone)[0])).toEqual(['/ @11 127.0.0.1:11434']);
  });

  it('matches globs as glob(3) does, and survives a class JavaScript refuses', () => {
    expect(nginxGlobToRegExp('/etc/nginx/sites-enabled/*').test('/etc/nginx/sites-enabled/default')).toBe(true);
    expect(nginxGlobToRegExp('/etc/nginx/sites-enabled/*').test('/etc/nginx/sites-enabled/.hidden')).toBe(false);
    expect(nginxGlobToRegExp('/etc/nginx/*/x.conf').test('/etc/nginx/a/b/x.conf')).toBe(false);
    expect(nginxGlobToRegExp('conf.d/[0-9][!a]?.conf').test('conf.d/1b2.conf')).toBe(true);
    expect(nginxGlobToRegExp('conf.d/[z-a].conf').test('conf.d/[z-a].conf')).toBe(true);
    const files = new Map([['m.conf', 'http { include conf.d/[z-a].conf; }']]);
    const result = ingestNginx({ file: 'm.conf', text: files.get('m.conf') ?? '' }, { readFile: () => undefined, glob: () => [] } as NginxIngestContext);
    expect(result.problems).toEqual([]);
  });

  it('names the glob a context cannot list as an include moat could not read', () => {
    const { glob: _unused, ...withoutGlob } = deb.context;
    const blind = ingestNginx(deb.artifact('/etc/nginx/nginx.conf'), withoutGlob);
    expect(codes(blind)).toEqual([
      `${NGINX_CODES.includeUnreadable} /etc/nginx/nginx.conf:7`,
      `${NGINX_CODES.includeUnreadable} /etc/nginx/nginx.conf:47`,
      `${NGINX_CODES.includeUnreadable} /etc/nginx/nginx.conf:48`,
    ]);
    expect(blind.problems.every((p) => p.severity === 'medium' && p.message.includes('may add routes'))).toBe(true);
    expect(servers(blind)).toEqual([]);
  });
});

describe('corpus: nginx -T dump of the Debian layout', () => {
  const text = readFileSync(join(CORPUS, 'dump/debian-nginx-T.txt'), 'utf8');

  it('reads the same servers and locations as the files, with each section as its own file', () => {
    const deb = mounted('debian', '/');
    const fromFiles = ingestNginx(deb.artifact('/etc/nginx/nginx.conf'), deb.context);
    const fromDump = ingestNginx({ file: 'nginx-T.txt', text }, {});
    expect(fromDump.problems).toEqual([]);
    expect(servers(fromDump)).toEqual(servers(fromFiles));
    expect(servers(fromDump)[2]?.locations[0]?.origin).toEqual({ file: '/etc/nginx/sites-enabled/ollama', line: 11 });
  });

  it('reads a dump with a pasted prompt before it, and says so', () => {
    const pasted = `admin@host:~$ sudo nginx -T\n${text}`;
    expect(detectNginx({ file: 'paste.txt', text: pasted })).toBe(true);
    const result = ingestNginx({ file: 'paste.txt', text: pasted }, {});
    expect(result.problems.map((p) => `${p.code} ${p.path} ${p.severity}`)).toEqual([`${NGINX_CODES.dumpPreamble} paste.txt:1 info`]);
    expect(servers(result)).toHaveLength(3);
  });

  it('says which include the dump lacks', () => {
    const cut = text.replace(/# configuration file \/etc\/nginx\/proxy_params:[\s\S]*$/, '');
    const result = ingestNginx({ file: 'nginx-T.txt', text: cut }, {});
    expect(codes(result)).toEqual([`${NGINX_CODES.includeUnreadable} /etc/nginx/sites-enabled/ollama:13`]);
  });
});

describe('corpus: conf.d with relative includes', () => {
  const c = mounted('confd', 'confd');
  const result = ingestNginx(c.artifact('confd/nginx.conf'), c.context);

  it('expands upstream groups (backup included), finds the database admin, skips dot files and non-matching names', () => {
    expect(result.problems).toEqual([]);
    const [app, redirect, ...rest] = servers(result);
    expect(rest).toEqual([]); // .disabled.conf (a dot file) and notes.txt are not read, as glob(3) skips them
    expect(app?.origin).toEqual({ file: 'confd/conf.d/app.conf', line: 1 });
    expect(app?.listens).toEqual([
      { port: 443, tls: true, defaultServer: true },
      { address: '::', port: 443, tls: true, defaultServer: true },
    ]);
    expect(routes(app)).toEqual([
      '/ @9 127.0.0.1:3000 127.0.0.1:3001',
      '/adminer/ @16 127.0.0.1:8081',
      '~ \\.php$ @20 unix:/run/php/php8.2-fpm.sock:0',
      '= /healthz @25 return 200',
    ]);
    // A server-level return answers before any location is chosen: /never is not reachable.
    expect(redirect?.listens.map((l) => l.port)).toEqual([80, 80]);
    expect(routes(redirect)).toEqual(['/ @6 return 301 https://$host$request_uri']);
    expect(redirect?.locations[0]?.origin.file).toBe('confd/conf.d/redirect.conf');
  });
});

describe('corpus: edge cases of upstream resolution', () => {
  const e = mounted('edge', 'edge');

  it('follows set and literal maps, counts if and limit_except, flattens nested locations, reports what it cannot follow', () => {
    const result = ingestNginx(e.artifact('edge/edge.conf'), e.context);
    expect(codes(result)).toEqual([
      `${NGINX_CODES.unresolvedUpstream} edge/edge.conf:39`,
      `${NGINX_CODES.unresolvedUpstream} edge/edge.conf:42`,
      `${NGINX_CODES.duplicateServer} edge/edge.conf:94`,
    ]);
    const [main, shadow, noListen, ...rest] = servers(result);
    expect(rest).toEqual([]);
    // The unix: listen binds no TCP port.
    expect(main?.listens).toEqual([{ address: '127.0.0.1', port: 8080, tls: false, defaultServer: true }]);
    expect(routes(main)).toEqual([
      '/ @32 127.0.0.1:7001 127.0.0.1:7002',
      '/api/ @35 127.0.0.1:7100',
      '/open/ @38 ?http://$http_x_backend',
      '/computed/ @41 ?$computed',
      '/cond/ @44 127.0.0.1:7200 127.0.0.1:7201',
      '/outer/ @50 127.0.0.1:7300',
      '/outer/inner/ @52 127.0.0.1:7301',
      '~ ^/re(/.*)$ @56 127.0.0.1:7400',
      '/grpc/ @59 127.0.0.1:50051',
      '/uwsgi/ @62 127.0.0.1:3031 127.0.0.1:3032',
      '/php/ @65 unix:/run/moat-php.sock:0',
      '/secure/ @68 10.0.0.5:443',
      '/old/ @71 return 301 /new/$1',
      '/gone @74 return 302 https://example.com/',
      '/try/ @77',
      '@fallback @80 127.0.0.1:7500',
      '= /glued @83 return 204',
      '/limited/ @86 127.0.0.1:7600',
    ]);
    expect(shadow?.listens).toEqual([{ address: '127.0.0.1', port: 8080, tls: false, defaultServer: false }]);
    expect(noListen?.listens).toEqual([{ port: 80, tls: false, defaultServer: true }]);
    expect(noListen?.serverNames).toEqual(['quoted name']);
    const open = result.problems[0];
    expect(open?.severity).toBe('medium');
    expect(open?.message).toContain('$http_x_backend');
  });

  it('reports a stream block as not modelled and still reads the http servers', () => {
    const result = ingestNginx(e.artifact('edge/stream.conf'), e.context);
    expect(codes(result)).toEqual([`${NGINX_CODES.streamNotModelled} edge/stream.conf:7`]);
    expect(result.problems[0]?.severity).toBe('medium');
    expect(servers(result).map((s) => s.listens.map((l) => l.port))).toEqual([[8080]]);
  });
});

describe('detect', () => {
  const corpusFiles = [
    ['debian', '/'],
    ['confd', 'confd'],
    ['moat-gateway', 'm'],
    ['edge', 'edge'],
  ] as const;

  it('recognizes every nginx file of the corpus, the dump, and both rendered configs', () => {
    for (const [dir, mount] of corpusFiles) {
      for (const [name, text] of mounted(dir, mount).files) {
        if (name.endsWith('.txt') || name.endsWith('proxy_params') || name.endsWith('fastcgi.conf')) continue;
        expect(detectNginx({ file: name, text }), name).toBe(true);
      }
    }
    expect(detectNginx({ file: 'd', text: readFileSync(join(CORPUS, 'dump/debian-nginx-T.txt'), 'utf8') })).toBe(true);
    const bundle = renderBundle(goldenPlatform(''), {});
    const nginxFiles = bundle.files.filter((f) => f.path.endsWith('nginx.conf'));
    expect(nginxFiles.map((f) => f.path).sort()).toEqual(['dify/nginx.conf', 'nginx/nginx.conf']);
    for (const f of nginxFiles) expect(detectNginx({ file: f.path, text: f.content }), f.path).toBe(true);
  });

  it('refuses every other file of the bundle (YAML, JSON, HuJSON, HCL, nftables, shell, squid, Markdown)', () => {
    const bundle = renderBundle(goldenPlatform(''), {});
    const others = bundle.files.filter((f) => !f.path.endsWith('nginx.conf'));
    expect(others.length).toBeGreaterThan(8);
    for (const f of others) expect(detectNginx({ file: f.path, text: f.content }), f.path).toBe(false);
  });

  it('refuses look-alikes: YAML with server keys, JSON, shell with braces and heredocs', () => {
    const samples = [
      'server:\n  listen: 80\n  location: /\n',
      '{"http": {"server": {"listen": 80}}}',
      '#!/bin/sh\ncat > /etc/nginx/conf.d/x.conf <<EOF\nserver {\n  listen 80;\n  location / { proxy_pass http://a; }\n}\nEOF\n',
      'cat > x <<EOF\nserver {\n  listen 80;\n  proxy_pass http://a;\n}\nEOF\n',
      'server() { echo hi; }\nserver\n',
      'table inet filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n  }\n}\n',
      'http_port 3128\nacl localnet src 10.0.0.0/8\nhttp_access allow localnet\n',
      '',
    ];
    for (const text of samples) expect(detectNginx({ file: 'x', text }), text).toBe(false);
  });
});

describe('finding docs', () => {
  it('documents every code the ingester emits, once', () => {
    const documented = NGINX_FINDING_DOCS.map((d) => d.code);
    expect(new Set(documented).size).toBe(documented.length);
    expect(documented.sort()).toEqual(Object.values(NGINX_CODES).sort());
    for (const d of NGINX_FINDING_DOCS) expect(d.code).toMatch(/^ingest\.nginx\.[a-z-]+$/);
  });
});
