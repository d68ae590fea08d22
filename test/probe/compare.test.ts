// Observed vs expected: each difference is one finding with a code and a path.
import { describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import { compareObserved, type Observed, type RouteObservation } from '../../src/probe/compare.js';
import type { ExpectedPort } from '../../src/probe/expected.js';
import type { TcpSweepResult } from '../../src/probe/tcp.js';

const platform = normalizePlatform(referencePlatform());
const tcp = (open: number[], flaky: number[] = []): TcpSweepResult => ({
  host: '192.0.2.10',
  open,
  closed: 0,
  filtered: 65535 - open.length,
  unreachable: 0,
  errors: {},
  flaky,
  durationMs: 1,
});
const observed = (over: Partial<Observed>): Observed => ({
  vantage: 'admin',
  target: '192.0.2.10',
  tcp: tcp([22]),
  swept: new Set(Array.from({ length: 65535 }, (_, i) => i + 1)),
  udp: [],
  servername: 'ai-platform.example.ts.net',
  routes: [],
  ...over,
});
const codes = (o: Observed, expected: readonly ExpectedPort[] = [{ port: 22, protocol: 'tcp' }]) =>
  compareObserved(platform, expected, o).map((f) => [f.code, f.path]);
const route = (over: Partial<RouteObservation>): RouteObservation => ({ index: 3, path: '/n8n', service: 'n8n', status: 200, missingHeaders: [], ...over });

describe('compareObserved', () => {
  it('no difference, no finding', () => {
    expect(codes(observed({}))).toEqual([]);
  });
  it('an open port the proof says is closed', () => {
    expect(codes(observed({ tcp: tcp([22, 5432]) }))).toEqual([['probe.unexpected-open', 'tcp/5432']]);
  });
  it('an expected port that did not answer, only when it was swept', () => {
    expect(codes(observed({ tcp: tcp([]) }))).toEqual([['probe.expected-closed', 'tcp/22']]);
    expect(codes(observed({ tcp: tcp([]), swept: new Set([80]) }))).toEqual([]);
  });
  it('a port that answered once is flaky, not open', () => {
    expect(codes(observed({ tcp: tcp([22], [8080]) }))).toEqual([['probe.flaky-port', 'tcp/8080']]);
  });
  it('UDP: a reply where none is allowed, a refusal where one is', () => {
    const udp = [
      { port: 53, state: 'open' as const, reason: '' },
      { port: 41641, state: 'closed' as const, reason: '' },
    ];
    expect(
      codes(observed({ udp }), [
        { port: 22, protocol: 'tcp' },
        { port: 41641, protocol: 'udp' },
      ]),
    ).toEqual([
      ['probe.unexpected-open', 'udp/53'],
      ['probe.expected-closed', 'udp/41641'],
    ]);
  });
  it('TLS: an old protocol, a missing one, an expiring certificate for another name', () => {
    const tls = {
      accepted: ['TLSv1.1', 'TLSv1.2'] as const,
      certificate: { subject: 'x', names: ['other.example'], validTo: '2030-01-01T00:00:00.000Z', daysLeft: 3 },
    };
    expect(codes(observed({ tls: { ...tls, accepted: [...tls.accepted] } }))).toEqual([
      ['probe.tls-protocol-unexpected', 'gateway.tls.protocols'],
      ['probe.tls-protocol-missing', 'gateway.tls.protocols'],
      ['probe.tls-cert-expiring', 'gateway.tls.certFile'],
      ['probe.tls-name-mismatch', 'gateway.tls.certFile'],
    ]);
  });
  it('routes: a security header with another value than the gateway sets', () => {
    const routes = [route({ index: 2, path: '/dify', wrongHeaders: [{ name: 'x-frame-options', expected: 'SAMEORIGIN', actual: 'SAMEORIGIN, DENY' }] })];
    expect(codes(observed({ routes }))).toEqual([['probe.route-header-wrong', 'gateway.routes[2]']]);
  });
  it('routes: a 502, missing headers, a refused upgrade, a buffered stream', () => {
    const routes = [
      route({ index: 0, path: '/anythingllm', status: 502 }),
      route({ index: 1, path: '/clawdbot', missingHeaders: ['strict-transport-security'] }),
      route({ index: 2, path: '/dify', websocket: { upgraded: false, status: 400 } }),
      route({ index: 3, stream: { status: 200, events: 5, firstEventMs: 250, spreadMs: 2 } }),
      route({ index: 3, stream: { status: 200, events: 5, firstEventMs: 10, spreadMs: 200 } }),
    ];
    expect(codes(observed({ routes }))).toEqual([
      ['probe.route-failed', 'gateway.routes[0]'],
      ['probe.route-header-missing', 'gateway.routes[1]'],
      ['probe.route-websocket-failed', 'gateway.routes[2]'],
      ['probe.route-stream-buffered', 'gateway.routes[3]'],
    ]);
  });
});
