// The address rules of the loader (inside the subnet, not reserved, unique),
// reused as is: `moat check` on a built Platform reports the same findings
// with the same key paths as loading moat.yaml does.
import { addressFindings } from '../../model/addressing.js';
import type { AnalysisRule } from './types.js';

export const addressRules = {
  docs: [
    {
      code: 'config.address-outside-subnet',
      title: 'A static address lies outside its network',
      help: 'Every service needs a static address inside the platform subnet.',
      severity: 'high',
    },
    {
      code: 'config.address-reserved',
      title: 'A static address is reserved',
      help: 'The network, gateway and broadcast addresses cannot be given to a service.',
      severity: 'high',
    },
    {
      code: 'config.duplicate-address',
      title: 'Two services share a static address',
      help: 'Static addresses must be unique (docker/compose#11899).',
      severity: 'high',
    },
    { code: 'config.invalid-value', title: 'A value is not valid', help: 'The value does not parse (e.g. an address that is not an IP).', severity: 'high' },
  ] as const,
  check: ({ platform }) => (platform ? addressFindings(platform) : []),
} satisfies AnalysisRule;
