// The lab's DNS stand-in (lab-dns.ts): what nginx's resolver gets from it.
import { describe, expect, it } from 'vitest';
import { answer } from '../support/lab-dns.js';

function query(name: string, qtype = 1): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const tail = Buffer.alloc(5);
  tail.writeUInt16BE(qtype, 1);
  tail.writeUInt16BE(1, 3);
  return Buffer.concat([Buffer.from([0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, tail]);
}

describe('lab DNS stub', () => {
  it('answers a known name with its A record', () => {
    const reply = answer(query('n8n'), { n8n: '172.20.0.40' });
    expect(reply?.readUInt16BE(0)).toBe(0xabcd);
    expect(reply?.readUInt16BE(6)).toBe(1);
    expect([...(reply?.subarray(-4) ?? [])]).toEqual([172, 20, 0, 40]);
  });
  it('answers NXDOMAIN for an unknown name', () => {
    const reply = answer(query('ollama'), { n8n: '172.20.0.40' });
    expect((reply?.readUInt16BE(2) ?? 0) & 0xf).toBe(3);
    expect(reply?.readUInt16BE(6)).toBe(0);
  });
});
