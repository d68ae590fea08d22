// Where a pass directive sends requests: variables, map captures, upstream
// blocks, schemes and default ports; and the server-level semantics (listen
// forms, default servers, duplicates, returns that shadow locations).
import { describe, expect, it } from 'vitest';
import type { GatewayServer } from '../../src/analyze/state.js';
import { ingestNginx, NGINX_CODES } from '../../src/ingest/nginx.js';
import { captureStartsWithSlash, resolvePass, splitVariables, type VarScope } from '../../src/ingest/nginx-target.js';

const none: VarScope = { sets: new Map(), maps: new Map() };
const up = (text: string) => ingestNginx({ file: 'n.conf', text: `http {\n${text}\n}\n` }, {});
const servers = (r: ReturnType<typeof up>): readonly GatewayServer[] => r.fragment.gateway?.servers ?? [];
const firstLocation = (r: ReturnType<typeof up>) => servers(r)[0]?.locations[0];

describe('resolvePass', () => {
  it('applies the scheme default ports of proxy_pass, and reads IPv6 and unix sockets', () => {
    const cases: [string, unknown][] = [
      ['http://10.0.0.1', [{ host: '10.0.0.1', port: 80 }]],
      ['https://10.0.0.1/x/', [{ host: '10.0.0.1', port: 443 }]],
      ['HTTP://Example.com:8080/a?b', [{ host: 'Example.com', port: 8080 }]],
      ['http://[::1]:9000/', [{ host: '::1', port: 9000 }]],
      ['http://[fd00::5]', [{ host: 'fd00::5', port: 80 }]],
      ['http://unix:/tmp/app.sock:/api/', [{ host: 'unix:/tmp/app.sock', port: 0 }]],
      ['http://127.0.0.1:11434$request_uri', [{ host: '127.0.0.1', port: 11434 }]],
    ];
    for (const [value, upstreams] of cases) expect(resolvePass('proxy_pass', value, none, new Map()), value).toEqual({ kind: 'resolved', upstreams });
  });

  it('refuses what nginx refuses or what it cannot know', () => {
    for (const value of ['10.0.0.1:80', 'ftp://x', 'http://x:99999', 'http://$host', 'http://a$arg_x', 'http://a:$arg_port', '$http_x_target']) {
      expect(resolvePass('proxy_pass', value, none, new Map()).kind, value).toBe('unresolved');
    }
    // Without a port and without an upstream block these are refused by nginx ("no port in upstream").
    for (const d of ['grpc_pass', 'fastcgi_pass', 'uwsgi_pass'] as const) expect(resolvePass(d, '127.0.0.1', none, new Map()).kind).toBe('unresolved');
  });

  it('reads the other pass directives with and without their schemes', () => {
    const groups = new Map([['php', [{ host: '10.0.0.7', port: 9000 }]]]);
    expect(resolvePass('grpc_pass', 'grpcs://10.0.0.2:50051', none, groups)).toEqual({ kind: 'resolved', upstreams: [{ host: '10.0.0.2', port: 50051 }] });
    expect(resolvePass('grpc_pass', '10.0.0.2:50051', none, groups)).toEqual({ kind: 'resolved', upstreams: [{ host: '10.0.0.2', port: 50051 }] });
    expect(resolvePass('uwsgi_pass', 'uwsgi://10.0.0.3:3031', none, groups)).toEqual({ kind: 'resolved', upstreams: [{ host: '10.0.0.3', port: 3031 }] });
    expect(resolvePass('fastcgi_pass', 'PHP', none, groups)).toEqual({ kind: 'resolved', upstreams: [{ host: '10.0.0.7', port: 9000 }] });
    expect(resolvePass('scgi_pass', 'unix:/run/s.sock', none, groups)).toEqual({ kind: 'resolved', upstreams: [{ host: 'unix:/run/s.sock', port: 0 }] });
  });

  it('follows set and map to literal values, and map captures whose group starts with /', () => {
    const scope: VarScope = {
      sets: new Map([
        ['up', [{ value: 'http://$backend_host:8080', conditional: false }]],
        ['maybe', [{ value: 'http://10.0.0.9', conditional: true }]],
      ]),
      maps: new Map([
        [
          'backend_host',
          [
            { key: 'default', value: '10.0.0.1' },
            { key: 'beta', value: '10.0.0.2' },
          ],
        ],
        [
          'raw',
          [
            { key: '~^/n8n(?<rest>/.*)$', value: '$rest' },
            { key: 'default', value: '/' },
          ],
        ],
        ['num', [{ key: '~*^/a(/.*)$', value: '$1' }]],
        ['bad', [{ key: '~^/a(.*)$', value: '$1' }]],
      ]),
    };
    const r = (v: string) => resolvePass('proxy_pass', v, scope, new Map([['moat_n8n', [{ host: '172.20.0.30', port: 5678 }]]]));
    expect(r('$up')).toEqual({
      kind: 'resolved',
      upstreams: [
        { host: '10.0.0.1', port: 8080 },
        { host: '10.0.0.2', port: 8080 },
      ],
    });
    expect(r('http://moat_n8n$raw')).toEqual({ kind: 'resolved', upstreams: [{ host: '172.20.0.30', port: 5678 }] });
    expect(r('http://moat_n8n$num')).toEqual({ kind: 'resolved', upstreams: [{ host: '172.20.0.30', port: 5678 }] });
    // A capture that may start with anything could extend the host name.
    expect(r('http://moat_n8n$bad').kind).toBe('unresolved');
    // Set only under a condition: otherwise empty, which proxies nowhere.
    expect(r('$maybe')).toEqual({ kind: 'resolved', upstreams: [{ host: '10.0.0.9', port: 80 }] });
  });

  it('gives up on values that multiply beyond what it follows, or refer to themselves', () => {
    const many = new Map(Array.from({ length: 4 }, (_, i) => [`v${i}`, Array.from({ length: 9 }, (_, j) => ({ key: `k${j}`, value: `a${j}` }))]));
    expect(resolvePass('proxy_pass', 'http://$v0$v1$v2$v3', { sets: new Map(), maps: many }, new Map()).kind).toBe('unresolved');
    const loop: VarScope = { sets: new Map([['a', [{ value: 'http://$a', conditional: false }]]]), maps: new Map() };
    expect(resolvePass('proxy_pass', '$a', loop, new Map())).toMatchObject({ kind: 'unresolved' });
  });
});

describe('variables defined by http blocks', () => {
  it('follows geo, split_clients and $scheme to their literal values', () => {
    const r = up(
      [
        'geo $remote_addr $geo_up { default http://10.0.1.1; 10.0.0.0/8 http://10.0.1.2; delete 10.1.0.0/16; ranges; }',
        'split_clients "${remote_addr}" $canary { 10% http://10.0.2.2; * http://10.0.2.1; }',
        'server {',
        ' location /g/ { proxy_pass $geo_up; }',
        ' location /c/ { proxy_pass $canary; }',
        ' location /s/ { proxy_pass $scheme://10.0.3.1; }',
        '}',
      ].join('\n'),
    );
    expect(r.problems).toEqual([]);
    expect(servers(r)[0]?.locations.map((l) => l.upstreams)).toEqual([
      [
        { host: '10.0.1.1', port: 80 },
        { host: '10.0.1.2', port: 80 },
      ],
      [
        { host: '10.0.2.2', port: 80 },
        { host: '10.0.2.1', port: 80 },
      ],
      [
        { host: '10.0.3.1', port: 80 },
        { host: '10.0.3.1', port: 443 },
      ],
    ]);
  });

  it('counts a location unresolved when a server of its upstream block cannot be read', () => {
    const r = up(
      'upstream u { server 10.0.0.1:80; server $other; }\nupstream s { server backend.local service=http resolve; }\nserver {\n location /u/ { proxy_pass http://u; }\n location /s/ { proxy_pass http://s; }\n}',
    );
    expect(servers(r)[0]?.locations.map((l) => [l.upstreams, l.unresolvedUpstream])).toEqual([
      [undefined, 'http://u'],
      [undefined, 'http://s'],
    ]);
    expect(r.problems.map((p) => `${p.code} ${p.path}`)).toEqual([`${NGINX_CODES.unresolvedUpstream} n.conf:5`, `${NGINX_CODES.unresolvedUpstream} n.conf:6`]);
  });

  it('follows a tenant map with hundreds of literal backends', () => {
    const entries = Array.from({ length: 300 }, (_, i) => `  t${i} http://10.9.${Math.floor(i / 250)}.${i % 250}:8080;`).join('\n');
    const r = up(`map $http_x_tenant $tenant {\n${entries}\n}\nserver { location / { proxy_pass $tenant; } }`);
    expect(r.problems).toEqual([]);
    // 300 backends; no default, so an unknown tenant gets '' and nginx proxies nowhere.
    expect(firstLocation(r)?.upstreams).toHaveLength(300);
  });
});

describe('variables and captures', () => {
  it('splits $name, ${name} and one-digit captures as nginx does', () => {
    expect(splitVariables('http://${h}x:$p/$12$')).toEqual([
      { lit: 'http://' },
      { name: 'h' },
      { lit: 'x:' },
      { name: 'p' },
      { lit: '/' },
      { name: '1' },
      { lit: '2$' },
    ]);
  });

  it('finds numbered and named groups, skipping non-capturing groups and classes', () => {
    expect(captureStartsWithSlash('^/x(?:a|b)(/.*)$', '1')).toBe(true);
    expect(captureStartsWithSlash('^[(]x(/.*)$', '1')).toBe(true);
    expect(captureStartsWithSlash('^/x(.*)(/.*)$', '1')).toBe(false);
    expect(captureStartsWithSlash('^/x(.*)(/.*)$', '2')).toBe(true);
    expect(captureStartsWithSlash("^(?P<a>\\/b)(?'c'd)$", 'a')).toBe(true);
    expect(captureStartsWithSlash("^(?P<a>\\/b)(?'c'd)$", 'c')).toBe(false);
  });
});

describe('servers and locations', () => {
  it('reads every listen form; unix sockets bind no TCP port', () => {
    const r = up(
      'server {\n listen 8443;\n listen 100.64.0.10:8443 ssl;\n listen [::]:443 ssl default_server;\n listen *:81;\n listen localhost;\n listen unix:/run/x.sock;\n listen [::1];\n}',
    );
    expect(r.problems).toEqual([]);
    expect(servers(r)[0]?.listens).toEqual([
      { port: 8443, tls: false, defaultServer: true },
      { address: '100.64.0.10', port: 8443, tls: true, defaultServer: true },
      { address: '::', port: 443, tls: true, defaultServer: true },
      { port: 81, tls: false, defaultServer: true },
      { address: 'localhost', port: 80, tls: false, defaultServer: true },
      { address: '::1', port: 80, tls: false, defaultServer: true },
    ]);
  });

  it('reports listens it cannot read, templates included', () => {
    const r = up('server {\n listen ${NGINX_PORT};\n listen 70000;\n listen 1.2.3.4:x;\n listen 8080;\n}');
    expect(r.problems.map((p) => `${p.code} ${p.path}`)).toEqual([
      `${NGINX_CODES.badListen} n.conf:3`,
      `${NGINX_CODES.badListen} n.conf:4`,
      `${NGINX_CODES.badListen} n.conf:5`,
    ]);
    expect(servers(r)[0]?.listens).toEqual([{ port: 8080, tls: false, defaultServer: true }]);
  });

  it('marks the effective default server: default_server, else the first on that address and port', () => {
    const r = up(
      'server { listen 80; server_name a; }\nserver { listen 80 default_server; server_name b; }\nserver { listen 81; }\nserver { listen 81; server_name c; }',
    );
    expect(servers(r).map((s) => s.listens[0]?.defaultServer)).toEqual([false, true, true, false]);
  });

  it('inherits ssl_reject_handshake and ssl on from http, and lets a server override them', () => {
    const r = up('ssl_reject_handshake on;\nssl on;\nserver { listen 1; }\nserver { listen 2; ssl_reject_handshake off; ssl off; }');
    expect(servers(r).map((s) => [s.rejectsHandshake, s.listens[0]?.tls])).toEqual([
      [true, true],
      [false, false],
    ]);
  });

  it('reports duplicates nginx refuses or warns about, as ingest.nginx.duplicate-server', () => {
    const r = up(
      'server { listen 80; listen 0.0.0.0:80; server_name a; }\nserver { listen *:80; server_name A; }\nserver { listen 81 default_server; }\nserver { listen 81 default_server; server_name x; }',
    );
    expect(r.problems.map((p) => `${p.code} ${p.path} ${p.message.slice(0, 30)}`)).toEqual([
      `${NGINX_CODES.duplicateServer} n.conf:2 a duplicate listen *:80 in one`,
      `${NGINX_CODES.duplicateServer} n.conf:3 conflicting server name "A" on`,
      `${NGINX_CODES.duplicateServer} n.conf:5 a duplicate default server for`,
    ]);
  });

  it('a return before any rewrite or if answers the whole server; after one, the locations stay', () => {
    const shadow = up('server { listen 80; return 301 https://$host$request_uri; location / { proxy_pass http://10.0.0.1; } }');
    expect(servers(shadow)[0]?.locations).toEqual([
      { modifier: '', path: '/', returns: { status: 301, target: 'https://$host$request_uri' }, origin: { file: 'n.conf', line: 2 } },
    ]);
    const kept = up('server { listen 80; if ($x) { rewrite ^ /a last; } return 404; location /a { proxy_pass http://10.0.0.1; } }');
    expect(servers(kept)[0]?.locations.map((l) => l.upstreams)).toEqual([[{ host: '10.0.0.1', port: 80 }]]);
  });

  it('a location that returns first does not proxy; one that may rewrite first keeps its upstream and its return', () => {
    const answered = firstLocation(up('server { location / { return 403; proxy_pass http://10.0.0.1; } }'));
    expect(answered).toMatchObject({ returns: { status: 403 } });
    expect(answered?.upstreams).toBeUndefined();
    const both = firstLocation(up('server { location / { rewrite ^/x$ /y break; return 403; proxy_pass http://10.0.0.1; } }'));
    expect(both).toMatchObject({ returns: { status: 403 }, upstreams: [{ host: '10.0.0.1', port: 80 }] });
    const plain = firstLocation(up('server { location / { root /srv; } }'));
    expect(plain?.upstreams).toBeUndefined();
  });

  it('keeps resolved upstreams beside an unresolved one, and reports the unresolved one at its line', () => {
    const r = up('server {\n location / {\n  if ($a) { proxy_pass http://$http_host; }\n  proxy_pass http://10.0.0.1:81;\n }\n}');
    expect(firstLocation(r)).toMatchObject({ upstreams: [{ host: '10.0.0.1', port: 81 }], unresolvedUpstream: 'http://$http_host' });
    expect(r.problems.map((p) => `${p.code} ${p.path} ${p.severity}`)).toEqual([`${NGINX_CODES.unresolvedUpstream} n.conf:4 medium`]);
  });

  it("the nested location does not run the outer one's set, but does see the server's", () => {
    const r = up(
      'server {\n set $s http://10.0.0.1;\n location /a/ {\n  set $u http://10.0.0.2;\n  location /a/b/ { proxy_pass $u; }\n  location /a/c/ { proxy_pass $s; }\n }\n}',
    );
    const [outer, b, c] = servers(r)[0]?.locations ?? [];
    expect(outer?.upstreams).toBeUndefined();
    // $u is not set in /a/b/ (rewrite directives are not inherited): nothing moat can follow.
    expect(b?.unresolvedUpstream).toBe('$u');
    expect(c?.upstreams).toEqual([{ host: '10.0.0.1', port: 80 }]);
  });

  it('reads modifiers spaced or glued, and refuses a location nginx would not read', () => {
    const r = up('server {\n location = /a {}\n location ^~/b {}\n location ~* \\.(png)$ {}\n location a b c {}\n}');
    expect(servers(r)[0]?.locations.map((l) => [l.modifier, l.path])).toEqual([
      ['=', '/a'],
      ['^~', '/b'],
      ['~*', '\\.(png)$'],
    ]);
    expect(r.problems.map((p) => `${p.code} ${p.path}`)).toEqual([`${NGINX_CODES.syntax} n.conf:6`]);
  });
});
