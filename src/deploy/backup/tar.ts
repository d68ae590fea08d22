// Checking a tar before anything extracts it, and writing the one-file tar a
// Redis restore places in its volume. Written by hand on purpose: moat only
// needs to read headers (POSIX ustar, with GNU long names and pax path
// records, which GNU tar and busybox emit), and a hostile archive is exactly
// where a library's convenience (following links, applying pax paths) must
// not run. Format: POSIX.1-2001 pax / ustar (512-byte headers, octal sizes,
// typeflag at 156), GNU tar manual "Basic Tar Format".
import { open } from 'node:fs/promises';

const BLOCK = 512;

export interface TarProblem {
  /** The entry's name as the archive spells it, or the byte offset when the header itself is bad. */
  readonly entry: string;
  readonly message: string;
}

/** Entry types a volume may hold: regular files (0, NUL, 7) and directories (5). Everything else (links, devices, FIFOs) is refused. */
const ALLOWED = new Set(['0', '\0', '7', '5']);

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul === -1 ? length : nul).toString('utf8');
}

function octal(header: Buffer, start: number, length: number): number | undefined {
  const text = field(header, start, length).trim();
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : text === '' ? 0 : undefined;
}

function checksumOk(header: Buffer): boolean {
  const stored = octal(header, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 32 : (header[i] ?? 0);
  return stored === sum;
}

/** Why a path may not be extracted: absolute, a `..` component, or a NUL; undefined when it is fine. */
export function pathProblem(name: string): string | undefined {
  if (name.startsWith('/')) return 'an absolute path';
  if (name.split('/').includes('..')) return 'a `..` component, which would write outside the volume';
  if (name.includes('\0') || name.includes('\\')) return 'a NUL or backslash';
  return undefined;
}

/** pax extended header records: `LEN key=value\n` (POSIX.1-2001). */
function paxPath(data: Buffer): string | undefined {
  let path: string | undefined;
  for (const record of data.toString('utf8').split('\n')) {
    const m = /^\d+ (path|linkpath)=(.*)$/s.exec(record);
    if (m?.[1] === 'path') path = m[2];
    if (m?.[1] === 'linkpath') return `\0link:${m[2] ?? ''}`;
  }
  return path;
}

/** Reads every header of the tar file; returns the problems (empty = safe to extract into an empty directory). */
export async function checkTar(file: string): Promise<TarProblem[]> {
  const handle = await open(file, 'r');
  const problems: TarProblem[] = [];
  try {
    const { size } = await handle.stat();
    let at = 0;
    let longName: string | undefined;
    const header = Buffer.alloc(BLOCK);
    while (at + BLOCK <= size) {
      await handle.read(header, 0, BLOCK, at);
      if (header.every((b) => b === 0)) return problems;
      if (!checksumOk(header)) return [...problems, { entry: `offset ${at}`, message: 'a header whose checksum is wrong (a damaged or forged archive)' }];
      const length = octal(header, 124, 12);
      if (length === undefined || at + BLOCK + length > size)
        return [...problems, { entry: `offset ${at}`, message: 'an entry larger than the file (a truncated archive)' }];
      const type = field(header, 156, 1) || '\0';
      const prefix = field(header, 345, 155);
      const plain = prefix === '' ? field(header, 0, 100) : `${prefix}/${field(header, 0, 100)}`;
      const data = async (): Promise<Buffer> => {
        const buf = Buffer.alloc(length);
        await handle.read(buf, 0, length, at + BLOCK);
        return buf;
      };
      if (type === 'L') longName = (await data()).toString('utf8').replace(/\0+$/, '');
      else if (type === 'x') longName = paxPath(await data());
      else {
        const name = longName ?? plain;
        longName = undefined;
        if (name.startsWith('\0link:')) problems.push({ entry: plain, message: 'a pax link path (links are refused)' });
        else if (!ALLOWED.has(type))
          problems.push({
            entry: name,
            message: `an entry of type ${JSON.stringify(type)} (${type === '2' ? 'a symbolic link' : type === '1' ? 'a hard link' : 'not a file or directory'}); moat restores files and directories only`,
          });
        else {
          const why = pathProblem(name);
          if (why) problems.push({ entry: name, message: why });
        }
      }
      at += BLOCK + Math.ceil(length / BLOCK) * BLOCK;
    }
    return [...problems, { entry: `offset ${at}`, message: 'no end-of-archive marker (a truncated archive)' }];
  } finally {
    await handle.close();
  }
}

function putOctal(header: Buffer, value: number, start: number, length: number): void {
  header.write(`${value.toString(8).padStart(length - 1, '0')}\0`, start, length, 'ascii');
}

/** A ustar archive of one regular file (name ≤ 100 bytes), owned by uid/gid, mode 0600. */
export function singleFileTar(name: string, content: Buffer, owner: { uid: number; gid: number }, mtime: Date): Buffer {
  if (Buffer.byteLength(name) > 100 || pathProblem(name)) throw new Error(`tar entry name ${name} is not a short relative path (this is a bug in moat)`);
  const header = Buffer.alloc(BLOCK);
  header.write(name, 0, 100, 'utf8');
  putOctal(header, 0o600, 100, 8);
  putOctal(header, owner.uid, 108, 8);
  putOctal(header, owner.gid, 116, 8);
  putOctal(header, content.length, 124, 12);
  putOctal(header, Math.floor(mtime.getTime() / 1000), 136, 12);
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\u000000', 257, 8, 'ascii');
  header.fill(32, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  const padding = Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK);
  return Buffer.concat([header, content, padding, Buffer.alloc(BLOCK * 2)]);
}
