// A minimal DNS server for the lab: answers A queries for the platform's
// service names, as Docker's embedded DNS (127.0.0.11) does for nginx's
// `resolver` directive. Anything else gets NXDOMAIN.
import dgram from 'node:dgram';

/** Reads the first question's name; returns it with the offset after QTYPE/QCLASS. */
function question(msg: Buffer): { name: string; qtype: number; end: number } | undefined {
  let offset = 12;
  const labels: string[] = [];
  while (offset < msg.length) {
    const len = msg[offset] ?? 0;
    if (len === 0) break;
    labels.push(msg.subarray(offset + 1, offset + 1 + len).toString('ascii'));
    offset += 1 + len;
  }
  if (offset + 5 > msg.length) return undefined;
  return { name: labels.join('.').toLowerCase(), qtype: msg.readUInt16BE(offset + 1), end: offset + 5 };
}

export function answer(msg: Buffer, names: Readonly<Record<string, string>>): Buffer | undefined {
  if (msg.length < 12) return undefined;
  const q = question(msg);
  if (!q) return undefined;
  const address = names[q.name.replace(/\.$/, '')];
  const found = address !== undefined && q.qtype === 1;
  const header = Buffer.alloc(12);
  msg.copy(header, 0, 0, 2); // id
  header.writeUInt16BE(0x8180 | (address === undefined ? 3 : 0), 2); // response, RD+RA, NXDOMAIN if unknown
  header.writeUInt16BE(1, 4); // one question
  header.writeUInt16BE(found ? 1 : 0, 6);
  const parts = [header, msg.subarray(12, q.end)];
  if (found) {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // name: pointer to the question
    rr.writeUInt16BE(1, 2); // A
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(10, 6); // TTL
    rr.writeUInt16BE(4, 10);
    address.split('.').forEach((octet, i) => rr.writeUInt8(Number(octet), 12 + i));
    parts.push(rr);
  }
  return Buffer.concat(parts);
}

export function startDns(address: string, names: Readonly<Record<string, string>>, port = 53): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      const reply = answer(msg, names);
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    });
    socket.once('error', reject);
    socket.bind(port, address, () => resolve(socket));
  });
}
