// Every ingester moat has, in one list: `detect.ts` asks each whether it
// recognises an artifact, and merge.ts runs the one that does.
//
// For the lead to add (written on other branches; each exports an `Ingester`):
//   import { nftablesIngester } from './nftables.js';
//   import { iptablesIngester } from './iptables.js';
//   import { awsSecurityGroupsIngester } from './aws-security-groups.js';
//   import { cloudFormationIngester } from './cloudformation.js';
//   import { terraformIngester } from './terraform.js';
//   import { tailscalePolicyIngester } from './tailscale-policy.js';
//   import { nginxIngester } from './nginx.js';
import { composeIngester } from './compose.js';
import { dockerInspectIngester } from './docker-inspect.js';
import { sshdConfigIngester } from './sshd-config.js';
import { ssIngester } from './ss.js';
import type { Ingester } from './types.js';

export const INGESTERS: readonly Ingester[] = [composeIngester, dockerInspectIngester, ssIngester, sshdConfigIngester];
