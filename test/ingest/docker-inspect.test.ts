import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Binding, Listener } from '../../src/analyze/state.js';
import { EPHEMERAL_HOST_PORTS } from '../../src/ingest/compose-ports.js';
import { dockerInspectIngester } from '../../src/ingest/docker-inspect.js';

const file = 'docker/inspect.json';
const text = readFileSync(new URL(`corpus/${file}`, import.meta.url), 'utf8');
const r = dockerInspectIngester.ingest({ file, text }, {});
const short = (b: Binding) =>
  `${b.service} ${b.hostAddress || '*'} ${b.hostPorts.from}-${b.hostPorts.to} -> ${b.containerAddress ?? '?'}:${b.containerPort}/${b.protocol} @${b.origin.line} ${b.origin.key}`;
const sock = (l: Listener) => `${l.kind} ${l.owner} ${l.address || '?'}:${l.port}/${l.protocol}`;

describe('docker inspect ingester', () => {
  it('is detected by content', () => {
    expect(dockerInspectIngester.detect({ file, text })).toBe(true);
    expect(dockerInspectIngester.detect({ file: 'x', text: '[]\n' })).toBe(true);
    expect(dockerInspectIngester.detect({ file: 'x', text: '[{"a": 1}]' })).toBe(false);
    expect(dockerInspectIngester.detect({ file: 'x', text: '{"Id": "x"}' })).toBe(false);
  });

  it("reads the bindings the daemon made (0.0.0.0 and ::), a stopped container's PortBindings (ephemeral), and a udp publication", () => {
    expect(r.problems.map((p) => p.code)).toEqual(['ingest.docker-inspect.host-network']);
    expect(r.fragment.publishing?.map(short)).toEqual([
      'db 0.0.0.0 5432-5432 -> 172.18.0.2:5432/tcp @41 [0].NetworkSettings.Ports["5432/tcp"][0]',
      'db :: 5432-5432 -> 172.18.0.2:5432/tcp @45 [0].NetworkSettings.Ports["5432/tcp"][1]',
      `redis 127.0.0.1 ${EPHEMERAL_HOST_PORTS.from}-${EPHEMERAL_HOST_PORTS.to} -> ?:6379/tcp @90 [2].HostConfig.PortBindings["6379/tcp"][0]`,
      'dns 100.64.0.10 53-53 -> 172.17.0.3:53/udp @115 [3].NetworkSettings.Ports["53/udp"][0]',
    ]);
  });

  it('reads listeners at each container address; a host-network container without ports is flagged', () => {
    expect(r.fragment.sockets?.map(sock)).toEqual([
      'container db 172.18.0.2:5432/tcp',
      'container redis ?:6379/tcp',
      'container dns 172.17.0.3:53/udp',
      'container dns 172.17.0.3:53/tcp',
      'container dns fd00::3:53/udp',
      'container dns fd00::3:53/tcp',
    ]);
    expect(r.problems[0]).toMatchObject({ severity: 'high', location: { file, line: 68 } });
    expect(r.problems[0]?.message).toContain('netdata');
  });

  it('names containers by compose service, keeps aliases and image, and never copies a secret', () => {
    const [db, netdata] = r.fragment.services ?? [];
    expect(db).toMatchObject({ name: 'db', image: 'postgres:16', addresses: ['172.18.0.2'] });
    expect(db?.aliases).toEqual(['db', 'shop-db-1', '3f1c0a9e8b7d']);
    expect(db?.env['POSTGRES_PASSWORD']).toBe('<redacted>');
    expect(db?.env['POSTGRES_DB']).toBe('shop');
    expect(netdata?.env).toEqual({ NETDATA_CLAIM_TOKEN: '<redacted>' });
    expect(JSON.stringify(r)).not.toMatch(/hunter2|abcdef123/);
    expect(db?.origin.line).toBe(3);
  });

  it('bad JSON and bad port keys are located problems', () => {
    const bad = dockerInspectIngester.ingest({ file: 'b.json', text: '[\n{"Id": "x",\n' }, {});
    expect(bad.problems[0]).toMatchObject({ code: 'ingest.docker-inspect.syntax', location: { file: 'b.json' } });
    const key = dockerInspectIngester.ingest(
      {
        file: 'k.json',
        text: '[{"Id": "x",\n "NetworkSettings": {"Ports": {\n "80/sctp": [{"HostIp": "", "HostPort": "80"}],\n "81/tcp": [{"HostIp": "", "HostPort": "x"}]}}}]',
      },
      {},
    );
    expect(key.problems.map((p) => [p.code, p.location?.line])).toEqual([
      ['ingest.docker-inspect.unreadable-port', 3],
      ['ingest.docker-inspect.unreadable-port', 4],
    ]);
  });
});

describe('docker inspect ingester: broken output', () => {
  it('claims truncated docker inspect output so the error is reported', () => {
    const a = { file: 'd.json', text: '[\n  {\n    "Id": "abc",\n    "NetworkSettings": {\n' };
    expect(dockerInspectIngester.detect(a)).toBe(true);
    expect(dockerInspectIngester.ingest(a, {}).problems.map((p) => p.code)).toEqual(['ingest.docker-inspect.syntax']);
  });
});
