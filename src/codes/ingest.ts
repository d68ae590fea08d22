// Codes of the ingesters (src/ingest) and of the artifact collector of
// `moat audit` (src/cli/collect-artifacts.ts). Each module declares its own
// codes beside the code that emits them; this file only gathers them.
import { COLLECT_FINDING_DOCS } from '../cli/collect-artifacts.js';
import { CLOUD_FINDING_DOCS } from '../ingest/cloud-rules.js';
import { COMPOSE_FINDING_DOCS } from '../ingest/compose.js';
import { DETECT_FINDING_DOCS } from '../ingest/detect.js';
import { DOCKER_INSPECT_FINDING_DOCS } from '../ingest/docker-inspect.js';
import { IPTABLES_FINDING_DOCS } from '../ingest/iptables.js';
import { NFTABLES_FINDING_DOCS } from '../ingest/nftables.js';
import { NGINX_FINDING_DOCS } from '../ingest/nginx-findings.js';
import { SS_FINDING_DOCS } from '../ingest/ss.js';
import { SSHD_FINDING_DOCS } from '../ingest/sshd-config.js';
import { TAILNET_FINDING_DOCS } from '../ingest/tailscale-policy.js';
import { TAILSCALED_DEFAULTS_FINDING_DOCS } from '../ingest/tailscaled-defaults.js';

export const INGEST_CODE_DOCS = [
  ...DETECT_FINDING_DOCS,
  ...COLLECT_FINDING_DOCS,
  ...COMPOSE_FINDING_DOCS,
  ...DOCKER_INSPECT_FINDING_DOCS,
  ...SS_FINDING_DOCS,
  ...SSHD_FINDING_DOCS,
  ...NGINX_FINDING_DOCS,
  ...NFTABLES_FINDING_DOCS,
  ...IPTABLES_FINDING_DOCS,
  ...CLOUD_FINDING_DOCS,
  ...TAILNET_FINDING_DOCS,
  ...TAILSCALED_DEFAULTS_FINDING_DOCS,
] as const;
