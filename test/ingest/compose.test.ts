import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Binding, Listener } from '../../src/analyze/state.js';
import { composeIngester, ingestComposeProject } from '../../src/ingest/compose.js';
import { EPHEMERAL_HOST_PORTS } from '../../src/ingest/compose-ports.js';
import type { Artifact } from '../../src/ingest/types.js';

const corpus = (name: string): Artifact => ({
  file: `compose/${name}`,
  text: readFileSync(new URL(`corpus/compose/${name}`, import.meta.url), 'utf8'),
});
const ingest = (name: string) => composeIngester.ingest(corpus(name), {});
const bindingsOf = (r: ReturnType<typeof ingest>) => r.fragment.publishing ?? [];
const listenersOf = (r: ReturnType<typeof ingest>) => r.fragment.sockets ?? [];
const short = (b: Binding) =>
  `${b.service} ${b.hostAddress || '*'} ${b.hostPorts.from}-${b.hostPorts.to} -> ${b.containerPort}/${b.protocol} @${b.origin.file}:${b.origin.line} ${b.origin.key}`;
const sock = (l: Listener) => `${l.kind} ${l.owner} ${l.address || '?'}:${l.port}/${l.protocol}`;

describe('compose ingester: bindings', () => {
  it('reads a database published on every address (5432:5432) with its line and key', () => {
    const r = ingest('postgres-public.yaml');
    expect(r.problems).toEqual([]);
    expect(bindingsOf(r).map(short)).toEqual(['db * 5432-5432 -> 5432/tcp @compose/postgres-public.yaml:10 services.db.ports[0]']);
    expect(listenersOf(r).map(sock)).toEqual(['container db ?:5432/tcp']);
  });

  it('never copies an inline password into the state', () => {
    const r = ingest('postgres-public.yaml');
    const db = r.fragment.services?.[0];
    expect(db?.image).toBe('postgres:16');
    expect(db?.env).toEqual({ POSTGRES_USER: 'app', POSTGRES_PASSWORD: '<redacted>', POSTGRES_DB: 'app' });
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });

  it('reads [::], 127.0.0.1, a bare container port (ephemeral, every address) and IP::PORT', () => {
    const r = ingest('postgres-v6.yaml');
    expect(r.problems).toEqual([]);
    const e = `${EPHEMERAL_HOST_PORTS.from}-${EPHEMERAL_HOST_PORTS.to}`;
    expect(bindingsOf(r).map(short)).toEqual([
      'db :: 5432-5432 -> 5432/tcp @compose/postgres-v6.yaml:5 services.db.ports[0]',
      'db 127.0.0.1 5433-5433 -> 5432/tcp @compose/postgres-v6.yaml:6 services.db.ports[1]',
      `db * ${e} -> 5432/tcp @compose/postgres-v6.yaml:7 services.db.ports[2]`,
      `db 127.0.0.1 ${e} -> 6543/tcp @compose/postgres-v6.yaml:8 services.db.ports[3]`,
    ]);
    expect(EPHEMERAL_HOST_PORTS).toEqual({ from: 32768, to: 60999 });
  });

  it('reads ranges: port for port, a host range for one container port, a bare YAML number', () => {
    const r = ingest('ranges.yaml');
    expect(r.problems).toEqual([]);
    expect(bindingsOf(r).map(short)).toEqual([
      'media * 10000-10010 -> 10000/udp @compose/ranges.yaml:5 services.media.ports[0]',
      'media * 8000-8010 -> 80/tcp @compose/ranges.yaml:6 services.media.ports[1]',
      'media * 9000-9000 -> 9000/tcp @compose/ranges.yaml:7 services.media.ports[2]',
    ]);
    const ls = listenersOf(r).map(sock);
    expect(ls).toContain('container media ?:3000/tcp');
    expect(ls).toContain('container media ?:3002/udp');
    expect(ls).toContain('container media ?:10010/udp');
    expect(ls).toContain('container media ?:80/tcp');
    expect(ls).not.toContain('container media ?:8000/tcp');
    expect(ls).toHaveLength(3 + 11 + 2);
  });

  it('reads the long syntax: published as number and as range string, host_ip, no published', () => {
    const r = ingest('long-syntax.yaml');
    expect(r.problems).toEqual([]);
    expect(bindingsOf(r).map(short)).toEqual([
      'web 127.0.0.1 8080-8080 -> 80/tcp @compose/long-syntax.yaml:5 services.web.ports[0]',
      'web ::1 8443-8444 -> 443/tcp @compose/long-syntax.yaml:10 services.web.ports[1]',
      `web * ${EPHEMERAL_HOST_PORTS.from}-${EPHEMERAL_HOST_PORTS.to} -> 53/udp @compose/long-syntax.yaml:13 services.web.ports[2]`,
    ]);
  });
});

describe('compose ingester: network_mode host', () => {
  it('turns known ports into host sockets on every address, drops publications, and flags unknown ports', () => {
    const r = ingest('host-network.yaml');
    expect(bindingsOf(r)).toEqual([]);
    expect(listenersOf(r).map(sock)).toEqual(['host exporter 0.0.0.0:9100/tcp', 'host exporter :::9100/tcp']);
    expect(r.problems.map((p) => [p.code, p.severity, p.location?.line])).toEqual([['ingest.compose.host-network', 'high', 4]]);
    expect(r.problems[0]?.message).toContain('netdata');
  });
});

describe('compose ingester: anchors, networks, environment', () => {
  it('expands <<: *defaults and nested merge keys', () => {
    const r = ingest('anchors.yaml');
    expect(r.problems).toEqual([]);
    const [api, worker] = r.fragment.services ?? [];
    expect(api?.aliases).toEqual(['api', 'shared']);
    expect(api?.env).toEqual({ TZ: 'UTC', LOG_LEVEL: 'info' });
    expect(worker?.env).toEqual({ QUEUE: 'jobs', TZ: 'UTC', LOG_LEVEL: 'info' });
    expect(bindingsOf(r).map(short)).toEqual(['api 127.0.0.1 8000-8000 -> 8000/tcp @compose/anchors.yaml:15 services.api.ports[0]']);
    expect(r.fragment.host).toEqual({ platformSubnets: ['10.5.0.0/24'], platformInterfaces: ['br-*'] });
  });

  it('reads static addresses, aliases, list environment (secrets redacted, references kept)', () => {
    const r = ingest('static-ips.yaml');
    expect(r.problems).toEqual([]);
    const [gateway, app] = r.fragment.services ?? [];
    expect(gateway).toMatchObject({
      name: 'gateway',
      image: 'nginx:1.27',
      addresses: ['172.30.0.2', 'fd00:30::2'],
      aliases: ['gateway', 'gw', 'lab-gateway', 'proxy', 'edge'],
    });
    expect(gateway?.origin).toEqual({ file: 'compose/static-ips.yaml', line: 3, key: 'services.gateway' });
    expect(app?.env).toEqual({ MODE: 'prod', API_TOKEN: '<redacted>', FROM_SHELL: '${FROM_SHELL}', URL: '<redacted>', REF: '${SOME_VAR}' });
    expect(bindingsOf(r)).toEqual([
      {
        service: 'gateway',
        hostAddress: '100.64.0.10',
        hostPorts: { from: 8443, to: 8443 },
        containerAddress: '172.30.0.2',
        containerPort: 443,
        protocol: 'tcp',
        origin: { file: 'compose/static-ips.yaml', line: 13, key: 'services.gateway.ports[0]' },
      },
    ]);
    expect(listenersOf(r).map(sock)).toEqual([
      'container gateway 172.30.0.2:80/tcp',
      'container gateway 172.30.0.2:443/tcp',
      'container gateway fd00:30::2:80/tcp',
      'container gateway fd00:30::2:443/tcp',
      'container app ?:5000/tcp',
    ]);
    expect(r.fragment.host).toEqual({ platformSubnets: ['172.30.0.0/24', 'fd00:30::/64'], platformInterfaces: ['br-front'] });
  });
});

describe('compose ingester: several files and docker compose config JSON', () => {
  it('merges an override the way -f base -f override does: ports append (deduplicated), !reset removes, image replaced', () => {
    const r = ingestComposeProject([corpus('base.yaml'), corpus('override.yaml')], {});
    expect(r.problems).toEqual([]);
    expect(bindingsOf(r).map(short)).toEqual([
      'db 127.0.0.1 5432-5432 -> 5432/tcp @compose/override.yaml:5 services.db.ports[0]',
      'db 0.0.0.0 15432-15432 -> 5432/tcp @compose/override.yaml:6 services.db.ports[1]',
    ]);
    expect(r.fragment.services?.map((s) => `${s.name} ${s.image}`)).toEqual(['db postgres:16', 'cache redis:7']);
    expect(r.fragment.services?.[0]?.origin).toEqual({ file: 'compose/base.yaml', line: 2, key: 'services.db' });
  });

  it('!override replaces a ports list whole (compose-spec 13-merge.md, Replace value)', () => {
    const base = { file: 'a.yaml', text: 'services:\n  app:\n    image: myapp:1\n    ports: ["8080:80"]\n' };
    const over = { file: 'b.yaml', text: 'services:\n  app:\n    ports: !override\n      - "8443:443"\n' };
    expect(bindingsOf(ingestComposeProject([base, over], {})).map(short)).toEqual(['app * 8443-8443 -> 443/tcp @b.yaml:4 services.app.ports[0]']);
    expect(bindingsOf(ingestComposeProject([base, { ...over, text: over.text.replace(' !override', '') }], {})).map(short)).toEqual([
      'app * 8080-8080 -> 80/tcp @a.yaml:4 services.app.ports[0]',
      'app * 8443-8443 -> 443/tcp @b.yaml:4 services.app.ports[0]',
    ]);
  });

  it('the base alone publishes redis on every address', () => {
    expect(bindingsOf(ingest('base.yaml')).map(short)).toContain('cache * 6379-6379 -> 6379/tcp @compose/base.yaml:9 services.cache.ports[0]');
  });

  it('reads `docker compose config --format json` (published as a string, networks map with null)', () => {
    const a = corpus('config.json');
    expect(composeIngester.detect(a)).toBe(true);
    const r = composeIngester.ingest(a, {});
    expect(r.problems).toEqual([]);
    expect(bindingsOf(r).map(short)).toEqual([
      'db 0.0.0.0 5432-5432 -> 5432/tcp @compose/config.json:16 services.db.ports[0]',
      'web * 8080-8080 -> 80/tcp @compose/config.json:33 services.web.ports[0]',
    ]);
    expect(r.fragment.services?.[0]?.env).toEqual({ POSTGRES_DB: 'shop', POSTGRES_PASSWORD: '<redacted>' });
    expect(listenersOf(r).map(sock)).toEqual(['container db ?:5432/tcp', 'container web 172.18.0.5:8081/tcp', 'container web 172.18.0.5:80/tcp']);
  });

  it('follows extends in the same file and in a file the context reads', () => {
    const base: Artifact = { file: 'common.yaml', text: 'services:\n  base:\n    image: example/base:1\n    ports: ["127.0.0.1:9000:9000"]\n' };
    const main: Artifact = {
      file: 'compose.yaml',
      text: 'services:\n  local:\n    extends: {service: tmpl}\n    ports: ["9001:9001"]\n  tmpl:\n    image: example/t:1\n  remote:\n    extends: {file: common.yaml, service: base}\n  missing:\n    extends: {file: nope.yaml, service: x}\n',
    };
    const r = composeIngester.ingest(main, { readFile: (path) => (path === 'common.yaml' ? base : undefined) });
    expect(r.fragment.services?.map((s) => `${s.name} ${s.image}`)).toEqual([
      'local example/t:1',
      'tmpl example/t:1',
      'remote example/base:1',
      'missing undefined',
    ]);
    expect(bindingsOf(r).map(short)).toEqual([
      'local * 9001-9001 -> 9001/tcp @compose.yaml:4 services.local.ports[0]',
      'remote 127.0.0.1 9000-9000 -> 9000/tcp @common.yaml:4 services.remote.ports[0]',
    ]);
    expect(r.problems.map((p) => [p.code, p.location?.file, p.location?.line])).toEqual([['ingest.compose.unfollowed-reference', 'compose.yaml', 10]]);
  });
});

describe('compose ingester: bad input gives located problems', () => {
  const one = (text: string) => composeIngester.ingest({ file: 'bad.yaml', text }, {});

  it('an unreadable port is a high problem at its line; an interpolated address is widened to every address', () => {
    const r = one('services:\n  a:\n    ports:\n      - "5432:abc"\n      - "${BIND}:80:80"\n      - "80:80/sctp"\n');
    expect(r.problems.map((p) => [p.code, p.severity, p.location?.line])).toEqual([
      ['ingest.compose.unreadable-port', 'high', 4],
      ['ingest.compose.unresolved-port', 'medium', 5],
      ['ingest.compose.unreadable-port', 'high', 6],
    ]);
    expect(bindingsOf(r).map(short)).toEqual(['a * 80-80 -> 80/tcp @bad.yaml:5 services.a.ports[1]']);
  });

  it('syntax errors and non-compose YAML are located', () => {
    expect(one('services:\n  a: [\n').problems[0]).toMatchObject({ code: 'ingest.yaml.syntax', location: { file: 'bad.yaml' } });
    expect(one('foo: bar\n').problems.map((p) => p.code)).toEqual(['ingest.compose.not-compose']);
    expect(composeIngester.detect({ file: 'x', text: 'foo: bar\n' })).toBe(false);
    expect(composeIngester.detect({ file: 'x', text: 'services: [a, b]\n' })).toBe(false);
  });

  it('refuses an alias bomb quickly with a located problem', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const text = `${levels.join('\n')}\nservices:\n  x:\n    image: *j\n`;
    const started = performance.now();
    const r = one(text);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r.problems.map((p) => p.code)).toEqual(['ingest.yaml.alias-bomb']);
    expect(r.problems[0]?.location).toEqual({ file: 'bad.yaml', line: 1, column: 1 });
    expect(composeIngester.detect({ file: 'bomb', text })).toBe(false);
  });
});

describe('compose ingester: detection of broken files', () => {
  it('claims a compose file with a syntax error so the error is reported', () => {
    const a = { file: 'c.yaml', text: 'services:\n  db:\n    ports: [\n' };
    expect(composeIngester.detect(a)).toBe(true);
    expect(composeIngester.ingest(a, {}).problems.map((p) => p.code)).toEqual(['ingest.yaml.syntax']);
  });

  it('unbracketed IPv6 host addresses split the way Docker splits them', () => {
    const r = composeIngester.ingest({ file: 'c.yaml', text: 'services:\n  a:\n    ports: ["::1:8080:80", "[fe80::1]:81:81/udp"]\n' }, {});
    expect(r.problems).toEqual([]);
    expect(bindingsOf(r).map((b) => `${b.hostAddress} ${b.hostPorts.from} ${b.containerPort}/${b.protocol}`)).toEqual(['::1 8080 80/tcp', 'fe80::1 81 81/udp']);
  });

  it('a service on the default network puts the project bridge into the host facts', () => {
    expect(ingest('postgres-public.yaml').fragment.host).toEqual({ platformSubnets: [], platformInterfaces: ['br-*'] });
  });
});
