import { describe, expect, it } from 'vitest';
import { cidrSet, covers, coversWorld, intersect, isEmpty, minus, setEquals, union, WORLD } from '../../src/analyze/cidr-set.js';

describe('CIDR sets (v4 and v6 apart)', () => {
  it.each([
    { cidrs: ['0.0.0.0/0'], v4: true, v6: false },
    { cidrs: ['0.0.0.0/1', '128.0.0.0/1'], v4: true, v6: false },
    { cidrs: ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/2'], v4: true, v6: false },
    { cidrs: ['0.0.0.0/1', '128.0.0.0/2'], v4: false, v6: false },
    { cidrs: ['203.0.113.10/32'], v4: false, v6: false },
    { cidrs: ['::/0'], v4: false, v6: true },
    { cidrs: ['::/1', '8000::/1'], v4: false, v6: true },
    { cidrs: ['::/1'], v4: false, v6: false },
    { cidrs: ['0.0.0.0/0', '::/0'], v4: true, v6: true },
  ])('$cidrs covers the v4 world: $v4, the v6 world: $v6', ({ cidrs, v4, v6 }) => {
    const set = cidrSet(cidrs);
    expect(coversWorld(set, 4)).toBe(v4);
    expect(coversWorld(set, 6)).toBe(v6);
  });

  it('keeps families apart: ::/0 does not cover an IPv4 address', () => {
    expect(covers(cidrSet(['::/0']), cidrSet(['10.0.0.1']))).toBe(false);
    expect(covers(cidrSet(['0.0.0.0/0']), cidrSet(['2001:db8::1']))).toBe(false);
    expect(covers(WORLD, cidrSet(['10.0.0.1', '2001:db8::1']))).toBe(true);
  });

  it('subtracts a /32 from the world and gets it back by union', () => {
    const admin = cidrSet(['203.0.113.10/32']);
    const rest = minus(WORLD, admin);
    expect(rest.v4).toHaveLength(32);
    expect(covers(rest, admin)).toBe(false);
    expect(setEquals(union(rest, admin), WORLD)).toBe(true);
    expect(isEmpty(intersect(rest, admin))).toBe(true);
  });

  it('intersects partially overlapping sets', () => {
    expect(intersect(cidrSet(['10.0.0.0/8']), cidrSet(['10.1.0.0/16', '192.168.0.0/16'])).v4).toEqual(['10.1.0.0/16']);
    expect(intersect(cidrSet(['::/1', '8000::/1']), cidrSet(['2001:db8::/32'])).v6).toEqual(['2001:db8::/32']);
  });

  it('accepts bracketed IPv6 and bare addresses', () => {
    expect(cidrSet(['[::]']).v6).toEqual(['::/128']);
    expect(cidrSet(['198.51.100.7']).v4).toEqual(['198.51.100.7/32']);
  });
});
