// The set arithmetic of src/analyze/cidr-set.ts against brute-force
// membership: every address of two tiny spaces (10.0.0.0/27 and fd00::/123,
// 32 addresses each) is checked one by one. CIDRs are drawn inside those
// spaces; a result is judged by which addresses it holds, never by its text.
// Also: the families never mix, and every spelling canonicalAddress accepts
// for one address gives one canonical form and one set.
import { parseCidr } from 'cidr-tools';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CidrSet } from '../../src/analyze/cidr-set.js';
import { cidrSet, covers, coversWorld, intersect, isEmpty, minus, overlaps, setEquals, toList, union, WORLD } from '../../src/analyze/cidr-set.js';
import { canonicalAddress } from '../../src/model/net.js';

const SIZE = 32;
const V4_BASE = parseCidr('10.0.0.0/27').start;
const V6_BASE = parseCidr('fd00::/123').start;
const v4Address = (i: number): string => `10.0.0.${i}`;
const v6Address = (i: number): string => `fd00::${i.toString(16)}`;

/** A CIDR of the tiny space: an aligned block of 2^(32-len) addresses, and its members as indices. */
interface Block {
  readonly text: string;
  readonly members: readonly number[];
}
const block = (family: 4 | 6) =>
  fc.tuple(fc.integer({ min: 0, max: SIZE - 1 }), fc.integer({ min: 0, max: 5 })).map(([i, bits]): Block => {
    const size = 2 ** bits;
    const start = Math.floor(i / size) * size;
    const prefix = family === 4 ? 32 - bits : 128 - bits;
    // Written unaligned half of the time (10.0.0.5/30): cidr-tools normalizes to the network.
    const written = i % 2 === 0 ? start : i;
    const text = family === 4 ? `${v4Address(written)}/${prefix}` : `${v6Address(written)}/${prefix}`;
    return { text, members: Array.from({ length: size }, (_, k) => start + k) };
  });
const blocks = fc.array(fc.oneof(block(4), block(6)), { maxLength: 5 });

/** Brute force: the set as two bitmaps over the tiny spaces. */
interface Members {
  readonly v4: ReadonlySet<number>;
  readonly v6: ReadonlySet<number>;
}
function membersOfBlocks(list: readonly Block[]): Members {
  const v4 = new Set<number>();
  const v6 = new Set<number>();
  for (const b of list) for (const m of b.members) (b.text.includes(':') ? v6 : v4).add(m);
  return { v4, v6 };
}

/** What the implementation's set holds, address by address; every CIDR must lie inside the tiny space. */
function membersOfSet(set: CidrSet): Members {
  const read = (list: readonly string[], base: bigint): Set<number> => {
    const out = new Set<number>();
    for (const cidr of list) {
      const { start, end } = parseCidr(cidr);
      expect(start >= base && end < base + BigInt(SIZE), `${cidr} lies inside the tiny space`).toBe(true);
      for (let a = start; a <= end; a += 1n) out.add(Number(a - base));
    }
    return out;
  };
  return { v4: read(set.v4, V4_BASE), v6: read(set.v6, V6_BASE) };
}

const sorted = (s: ReadonlySet<number>): number[] => [...s].sort((a, b) => a - b);
const same = (a: Members, b: Members): void => {
  expect(sorted(a.v4)).toEqual(sorted(b.v4));
  expect(sorted(a.v6)).toEqual(sorted(b.v6));
};
const op = (a: Members, b: Members, f: (inA: boolean, inB: boolean) => boolean): Members => {
  const pick = (x: ReadonlySet<number>, y: ReadonlySet<number>) => new Set(Array.from({ length: SIZE }, (_, i) => i).filter((i) => f(x.has(i), y.has(i))));
  return { v4: pick(a.v4, b.v4), v6: pick(a.v6, b.v6) };
};
const subset = (a: Members, b: Members): boolean => [...a.v4].every((i) => b.v4.has(i)) && [...a.v6].every((i) => b.v6.has(i));
const setOf = (list: readonly Block[]): CidrSet => cidrSet(list.map((b) => b.text));

const RUNS = { numRuns: 300 };

describe('cidr-set against brute-force membership (10.0.0.0/27, fd00::/123)', () => {
  it('cidrSet holds exactly the addresses of its CIDRs, each family in its own list', () => {
    fc.assert(
      fc.property(blocks, (list) => {
        const set = setOf(list);
        same(membersOfSet(set), membersOfBlocks(list));
        expect(set.v4.every((c) => !c.includes(':'))).toBe(true);
        expect(set.v6.every((c) => c.includes(':'))).toBe(true);
      }),
      RUNS,
    );
  });

  it('union, minus and intersect are the set operations, address by address', () => {
    fc.assert(
      fc.property(blocks, blocks, (a, b) => {
        const [sa, sb, ma, mb] = [setOf(a), setOf(b), membersOfBlocks(a), membersOfBlocks(b)];
        same(
          membersOfSet(union(sa, sb)),
          op(ma, mb, (x, y) => x || y),
        );
        same(
          membersOfSet(minus(sa, sb)),
          op(ma, mb, (x, y) => x && !y),
        );
        same(
          membersOfSet(intersect(sa, sb)),
          op(ma, mb, (x, y) => x && y),
        );
      }),
      RUNS,
    );
  });

  it('covers, overlaps, isEmpty and setEquals agree with membership', () => {
    fc.assert(
      fc.property(blocks, blocks, (a, b) => {
        const [sa, sb, ma, mb] = [setOf(a), setOf(b), membersOfBlocks(a), membersOfBlocks(b)];
        expect(covers(sa, sb)).toBe(subset(mb, ma));
        expect(setEquals(sa, sb)).toBe(subset(ma, mb) && subset(mb, ma));
        const common = op(ma, mb, (x, y) => x && y);
        expect(overlaps(sa, sb)).toBe(common.v4.size + common.v6.size > 0);
        expect(isEmpty(sa)).toBe(ma.v4.size + ma.v6.size === 0);
      }),
      RUNS,
    );
  });

  it('equal sets have one representation (the lists are merged and ordered)', () => {
    fc.assert(
      fc.property(blocks, blocks, (a, b) => {
        const [sa, sb] = [setOf(a), setOf(b)];
        if (setEquals(sa, sb)) expect(sa).toEqual(sb);
        // The same set reached two ways: A ∪ B and B ∪ (A − B).
        expect(union(sa, sb)).toEqual(union(sb, minus(sa, sb)));
      }),
      RUNS,
    );
  });

  it('coversWorld: (world − A) ∪ B covers the world exactly when A ⊆ B, per family', () => {
    fc.assert(
      fc.property(blocks, blocks, (a, b) => {
        const [sa, sb, ma, mb] = [setOf(a), setOf(b), membersOfBlocks(a), membersOfBlocks(b)];
        const set = union(minus(WORLD, sa), sb);
        expect(coversWorld(set, 4)).toBe([...ma.v4].every((i) => mb.v4.has(i)));
        expect(coversWorld(set, 6)).toBe([...ma.v6].every((i) => mb.v6.has(i)));
      }),
      RUNS,
    );
  });

  it('coversWorld judges what is covered, not how it is spelled', () => {
    expect(coversWorld(cidrSet(['0.0.0.0/1', '128.0.0.0/1']), 4)).toBe(true);
    expect(coversWorld(cidrSet(['0.0.0.0/1', '128.0.0.0/2']), 4)).toBe(false);
    expect(coversWorld(cidrSet(['::/1', '8000::/1']), 6)).toBe(true);
    expect(coversWorld(cidrSet(['0.0.0.0/0']), 6)).toBe(false);
    expect(coversWorld(cidrSet(['::/0']), 4)).toBe(false);
  });

  it('the families never cover each other, whatever the bits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SIZE - 1 }), (i) => {
        const v4 = cidrSet([v4Address(i)]);
        const v6 = cidrSet([`fd00::${i.toString(16)}`]);
        expect(covers(WORLD, v4) && covers(WORLD, v6)).toBe(true);
        expect(covers(cidrSet(['0.0.0.0/0']), v6)).toBe(false);
        expect(covers(cidrSet(['::/0']), v4)).toBe(false);
        expect(overlaps(cidrSet(['::/0']), v4)).toBe(false);
        expect(minus(v4, cidrSet(['::/0']))).toEqual(v4);
        expect(isEmpty(intersect(v4, cidrSet(['::/0'])))).toBe(true);
      }),
      { numRuns: SIZE },
    );
  });
});

// ---------------------------------------------------------------- canonical spellings

/** Spellings of one IPv4 address that canonicalAddress documents: bare, IPv4-mapped (dotted and hex), brackets, zone, case. */
function v4Spellings(a: number, b: number, c: number, d: number): string[] {
  const dotted = `${a}.${b}.${c}.${d}`;
  const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
  return [
    dotted,
    ` ${dotted} `,
    `::ffff:${dotted}`,
    `::FFFF:${dotted}`,
    `[::ffff:${dotted}]`,
    `0:0:0:0:0:ffff:${dotted}`,
    `::ffff:${hex(a, b)}:${hex(c, d)}`,
    `::FFFF:${hex(a, b).toUpperCase()}:${hex(c, d).toUpperCase()}`,
    `[0000:0000:0000:0000:0000:ffff:${hex(a, b).padStart(4, '0')}:${hex(c, d).padStart(4, '0')}]`,
  ];
}

/** Spellings of one IPv6 address: compressed, expanded, zero-padded, upper case, brackets, a zone. */
function v6Spellings(groups: readonly number[]): string[] {
  const hex = groups.map((g) => g.toString(16));
  const full = hex.join(':');
  const padded = hex.map((h) => h.padStart(4, '0')).join(':');
  return [full, padded, full.toUpperCase(), `[${padded}]`, `${full}%eth0`, `[${full.toUpperCase()}%ens5]`];
}

describe('canonicalAddress: one form per address, and the same set', () => {
  const octet = fc.integer({ min: 0, max: 255 });
  it('IPv4 and its IPv4-mapped IPv6 spellings are the dotted IPv4 address', () => {
    fc.assert(
      fc.property(octet, octet, octet, octet, (a, b, c, d) => {
        const dotted = `${a}.${b}.${c}.${d}`;
        for (const spelling of v4Spellings(a, b, c, d)) {
          expect(canonicalAddress(spelling), spelling).toBe(dotted);
          expect(cidrSet([canonicalAddress(spelling)])).toEqual(cidrSet([dotted]));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('IPv6 spellings are one compressed lower-case form, and one set', () => {
    // Groups drawn mostly zero so that compression (`::`) is exercised; the first is never 0 so no group set is v4-mapped.
    const group = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 0xffff }), weight: 2 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffff }), fc.array(group, { minLength: 7, maxLength: 7 }), (first, rest) => {
        const spellings = v6Spellings([first, ...rest]);
        const forms = new Set(spellings.map(canonicalAddress));
        expect([...forms], spellings.join(' | ')).toHaveLength(1);
        const [form] = [...forms] as [string];
        expect(form).toBe(form.toLowerCase());
        expect(form).not.toMatch(/[[\]%]/);
        for (const s of spellings) expect(cidrSet([canonicalAddress(s)])).toEqual(cidrSet([form]));
      }),
      { numRuns: 200 },
    );
  });

  it('the wildcards and loopbacks of both families', () => {
    for (const s of ['[::0]', '::0', '0:0::0', '0:0:0:0:0:0:0:0', '[0000::]']) expect(canonicalAddress(s), s).toBe('::');
    for (const s of ['::ffff:0.0.0.0', '[::FFFF:0:0]', '0.0.0.0']) expect(canonicalAddress(s), s).toBe('0.0.0.0');
    for (const s of ['[::1]', '0:0:0:0:0:0:0:1', '::0001']) expect(canonicalAddress(s), s).toBe('::1');
    for (const s of ['::ffff:127.0.0.1', '[::ffff:7f00:1]', '127.0.0.1']) expect(canonicalAddress(s), s).toBe('127.0.0.1');
    expect(toList(cidrSet(['[::0]']))).toEqual(['::/128']);
  });
});
