// What the static proof says a vantage point should see open on the host.
// The probe never decides this itself: it takes the analyzer's answer, so a
// difference is either a bug in the deployment or a gap in the proof.
import { expectedOpen } from '../analyze/index.js';
import type { Platform, Protocol } from '../model/types.js';
import { proveBundle } from '../proof/bundle.js';

export type Vantage = 'internet' | 'admin' | 'tailnet';
export const VANTAGES: readonly Vantage[] = ['internet', 'admin', 'tailnet'];

export interface ExpectedPort {
  readonly port: number;
  readonly protocol: Protocol;
}

export function expectedFor(platform: Platform, vantage: Vantage): ExpectedPort[] {
  return expectedOpen(proveBundle(platform), vantage);
}
