// What the static proof says a vantage point should see open on the host.
// The probe never decides this itself: it takes the analyzer's answer. Until
// src/analyze lands, the policy's allow rules for the zone stand in for it
// (they are what the analyzer proves the layers implement).
import type { Platform, Protocol } from '../model/types.js';

export type Vantage = 'internet' | 'admin' | 'tailnet';
export const VANTAGES: readonly Vantage[] = ['internet', 'admin', 'tailnet'];

export interface ExpectedPort {
  readonly port: number;
  readonly protocol: Protocol;
}

export function expectedFromPolicy(platform: Platform, vantage: Vantage): ExpectedPort[] {
  return platform.policy.allow
    .filter((rule) => rule.zone === vantage && rule.target === 'host')
    .map((rule) => ({ port: rule.port, protocol: rule.protocol }))
    .sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
}
