// Sets of addresses as merged CIDR lists, IPv4 and IPv6 kept apart so that a
// rule for one family never "covers" the other. All arithmetic is cidr-tools';
// this module only keeps the two families separate and names the operations
// the analyzer needs (union, minus, intersect, covers, world).
import { containsCidr, excludeCidr, mergeCidr, normalizeCidr, overlapCidr, parseCidr } from 'cidr-tools';

export type Family = 4 | 6;

export interface CidrSet {
  readonly v4: readonly string[];
  readonly v6: readonly string[];
}

export const EMPTY: CidrSet = { v4: [], v6: [] };
export const WORLD: CidrSet = { v4: ['0.0.0.0/0'], v6: ['::/0'] };

/** The family of an address or CIDR; brackets around IPv6 are tolerated. */
export function familyOf(address: string): Family {
  return parseCidr(stripBrackets(address)).version;
}

export function stripBrackets(address: string): string {
  return address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
}

function merged(list: readonly string[]): string[] {
  return list.length === 0 ? [] : (mergeCidr([...list]) as string[]);
}

/** A set from CIDRs or single addresses of either family. */
export function cidrSet(cidrs: readonly string[]): CidrSet {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const raw of cidrs) {
    const cidr = normalizeCidr(stripBrackets(raw));
    (familyOf(cidr) === 4 ? v4 : v6).push(cidr);
  }
  return { v4: merged(v4), v6: merged(v6) };
}

export function family(set: CidrSet, f: Family): readonly string[] {
  return f === 4 ? set.v4 : set.v6;
}

export function onlyFamily(set: CidrSet, f: Family): CidrSet {
  return f === 4 ? { v4: set.v4, v6: [] } : { v4: [], v6: set.v6 };
}

export function union(...sets: readonly CidrSet[]): CidrSet {
  return { v4: merged(sets.flatMap((s) => s.v4)), v6: merged(sets.flatMap((s) => s.v6)) };
}

function minusList(a: readonly string[], b: readonly string[]): string[] {
  if (a.length === 0) return [];
  if (b.length === 0) return [...a];
  return merged(excludeCidr([...a], [...b]) as string[]);
}

export function minus(a: CidrSet, b: CidrSet): CidrSet {
  return { v4: minusList(a.v4, b.v4), v6: minusList(a.v6, b.v6) };
}

/** a ∩ b, as a − (a − b). */
export function intersect(a: CidrSet, b: CidrSet): CidrSet {
  return minus(a, minus(a, b));
}

export function isEmpty(set: CidrSet): boolean {
  return set.v4.length === 0 && set.v6.length === 0;
}

export function overlaps(a: CidrSet, b: CidrSet): boolean {
  return (a.v4.length > 0 && b.v4.length > 0 && overlapCidr([...a.v4], [...b.v4])) || (a.v6.length > 0 && b.v6.length > 0 && overlapCidr([...a.v6], [...b.v6]));
}

/** Whether `outer` contains every address of `inner` (an empty inner is covered). */
export function covers(outer: CidrSet, inner: CidrSet): boolean {
  const part = (o: readonly string[], i: readonly string[]) => i.length === 0 || (o.length > 0 && containsCidr([...o], [...i]));
  return part(outer.v4, inner.v4) && part(outer.v6, inner.v6);
}

/** Whether the set holds every address of family f (0.0.0.0/1 + 128.0.0.0/1 does). */
export function coversWorld(set: CidrSet, f: Family): boolean {
  const list = family(set, f);
  return list.length > 0 && containsCidr([...list], f === 4 ? '0.0.0.0/0' : '::/0');
}

export function setEquals(a: CidrSet, b: CidrSet): boolean {
  return covers(a, b) && covers(b, a);
}

export function toList(set: CidrSet): string[] {
  return [...set.v4, ...set.v6];
}
