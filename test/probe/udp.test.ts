// UDP probes against a real DNS responder on loopback: a reply is open, an
// ICMP port unreachable is closed, and a port with no payload is never sent to.
import type dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { udpProbe } from '../../src/probe/udp.js';
import { startDns } from '../support/lab-dns.js';

// Loopback has all of 127/8; these addresses are the test's own.
const LISTENING = '127.77.0.1';
const SILENT = '127.77.0.2';
let dns: dgram.Socket;
beforeAll(async () => {
  dns = await startDns(LISTENING, { 'gateway.moat-test': '172.20.0.2' });
});
afterAll(() => new Promise<void>((r) => dns.close(() => r())));

describe('udpProbe', () => {
  it('a DNS stub that answers the query is open', async () => {
    expect(await udpProbe(LISTENING, 53)).toMatchObject({ port: 53, state: 'open' });
  });
  it('a port that sends back port unreachable is closed', async () => {
    expect(await udpProbe(SILENT, 53)).toMatchObject({ port: 53, state: 'closed' });
  });
  it('a port without a protocol payload is open|filtered, and nothing is sent', async () => {
    const result = await udpProbe(LISTENING, 41641);
    expect(result.state).toBe('open|filtered');
    expect(result.reason).toMatch(/no protocol payload/);
  });
});
