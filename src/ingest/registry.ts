// Every ingester moat has, in one list: `detect.ts` asks each whether it
// recognises an artifact, and the proof runs the one that does.
import { awsSecurityGroupsIngester } from './aws-security-groups.js';
import { cloudFormationIngester } from './cloudformation.js';
import { composeIngester } from './compose.js';
import { dockerInspectIngester } from './docker-inspect.js';
import { iptablesIngester } from './iptables.js';
import { kubernetesIngester } from './kubernetes.js';
import { nftablesIngester } from './nftables.js';
import { nginxIngester } from './nginx.js';
import { ssIngester } from './ss.js';
import { sshdConfigIngester } from './sshd-config.js';
import { tailscalePolicyIngester } from './tailscale-policy.js';
import { tailscaledDefaultsIngester } from './tailscaled-defaults.js';
import { terraformIngester } from './terraform.js';
import type { Ingester } from './types.js';

export const INGESTERS: readonly Ingester[] = [
  composeIngester,
  dockerInspectIngester,
  ssIngester,
  sshdConfigIngester,
  tailscaledDefaultsIngester,
  nftablesIngester,
  iptablesIngester,
  nginxIngester,
  awsSecurityGroupsIngester,
  cloudFormationIngester,
  terraformIngester,
  tailscalePolicyIngester,
  kubernetesIngester,
];
