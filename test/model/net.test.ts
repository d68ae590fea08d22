// IP/CIDR helpers, v4 and v6.
import { describe, expect, it } from 'vitest';
import {
  contains,
  firstHostAddress,
  ipVersion,
  isBroadcastAddress,
  isNetworkAddress,
  isWildcardAddress,
  networkAddress,
  parseCidrText,
  publishedAddresses,
  sameAddress,
  toCidr,
} from '../../src/model/net.js';

describe('net', () => {
  it('tells v4 from v6 and rejects the rest', () => {
    expect(ipVersion('172.20.0.1')).toBe(4);
    expect(ipVersion('fd7a:115c:a1e0::1')).toBe(6);
    expect(ipVersion('172.20.0.256')).toBeUndefined();
    expect(ipVersion('172.20.0.0/16')).toBeUndefined();
    expect(ipVersion('[::1]')).toBeUndefined();
  });

  it('parses CIDRs strictly and normalizes them', () => {
    expect(parseCidrText('172.20.5.0/16')).toEqual({ text: '172.20.0.0/16', address: '172.20.5.0', prefix: 16, version: 4 });
    expect(parseCidrText('172.20.0.0/33')).toBeUndefined();
    expect(parseCidrText('172.20.0.0')).toBeUndefined();
    expect(parseCidrText('fd00::/129')).toBeUndefined();
    expect(parseCidrText('fd00::/64')?.version).toBe(6);
    expect(toCidr('198.51.100.7')?.text).toBe('198.51.100.7/32');
    expect(toCidr('::1')?.text).toBe('::1/128');
  });

  it('contains, within a version only', () => {
    expect(contains('172.20.0.0/16', '172.20.255.254')).toBe(true);
    expect(contains('172.20.0.0/16', '172.21.0.1')).toBe(false);
    expect(contains('172.20.0.0/16', '::ffff:172.20.0.1')).toBe(false);
    expect(contains('fd00::/64', 'fd00::10')).toBe(true);
    expect(contains('fd00::/64', 'fd00:0:0:1::10')).toBe(false);
    expect(contains('100.64.0.0/10', '100.101.102.103')).toBe(true);
    expect(contains('100.64.0.0/10', '100.128.0.1')).toBe(false);
  });

  it('knows network, broadcast and first host addresses', () => {
    expect(networkAddress('172.20.9.9/16')).toBe('172.20.0.0');
    expect(isNetworkAddress('172.20.0.0/16', '172.20.0.0')).toBe(true);
    expect(isNetworkAddress('172.20.0.0/16', '172.20.0.1')).toBe(false);
    expect(isBroadcastAddress('172.20.0.0/16', '172.20.255.255')).toBe(true);
    expect(isBroadcastAddress('172.20.0.0/16', '172.20.255.254')).toBe(false);
    expect(isBroadcastAddress('10.0.0.0/31', '10.0.0.1')).toBe(false);
    expect(isBroadcastAddress('fd00::/64', 'fd00::ffff:ffff:ffff:ffff')).toBe(false);
    expect(firstHostAddress('10.30.0.0/16')).toBe('10.30.0.1');
    expect(firstHostAddress('fd00:1::/64')).toBe('fd00:1::1');
    expect(sameAddress('fd00::1', 'fd00:0::0001')).toBe(true);
    expect(sameAddress('172.20.0.1', '172.20.0.2')).toBe(false);
  });
});

describe('wildcard host addresses (shared by the firewall renderers and the analyzer)', () => {
  it.each(['', '*', '0.0.0.0', '::', '[::]'])('%j means every address', (a) => expect(isWildcardAddress(a)).toBe(true));
  it.each(['127.0.0.1', '100.64.0.10', '[::1]'])('%j is one address', (a) => expect(isWildcardAddress(a)).toBe(false));
  it("expands compose's empty host address to both families, keeps the rest", () => {
    expect(publishedAddresses('')).toEqual(['0.0.0.0', '::']);
    expect(publishedAddresses('*')).toEqual(['0.0.0.0', '::']);
    expect(publishedAddresses('[::]')).toEqual(['::']);
    expect(publishedAddresses('[::0]')).toEqual(['::']);
    expect(publishedAddresses('::FFFF:100.64.0.10')).toEqual(['100.64.0.10']);
  });
});
