// `moat check --format json` (the matrix and the findings) and `moat audit
// --format json` (the same, plus the missing layers and the artifacts), as data.
import type { Analysis, Layer, MatrixRow } from '../../analyze/index.js';
import type { ArtifactKind } from '../../ingest/types.js';
import type { Finding } from '../../model/findings.js';

export function formatCheckJson(analysis: Analysis): string {
  return `${JSON.stringify({ matrix: analysis.matrix, findings: analysis.findings }, null, 2)}\n`;
}

// ---------------------------------------------------------------- moat audit

/** What fills each layer when it is missing: the artifact to pass. */
export const LAYER_HINTS: { readonly [L in Layer]: string } = {
  cloud: 'the security groups (`aws ec2 describe-security-groups --output json`), the CloudFormation template or the Terraform files',
  firewall: 'the host firewall: `nft -j list ruleset`, or `iptables-save` and `ip6tables-save`',
  publishing: 'the compose files, or `docker inspect $(docker ps -aq)`',
  sockets: 'what listens on the host: `ss -tulpnH` (and sshd_config)',
  tailnet: 'the tailnet policy file (policy.hujson)',
  gateway: 'the gateway: nginx.conf with its includes, or `nginx -T`',
};

/** What `moat audit` reports, in every format. */
export interface AuditReport {
  /** Where the policy and host facts came from. */
  readonly subject: string;
  readonly matrix: readonly MatrixRow[];
  /** Analyzer findings and ingest problems, one list. */
  readonly findings: readonly Finding[];
  /** Layers no artifact spoke for: counted as open. */
  readonly missing: readonly { readonly layer: Layer; readonly pass: string }[];
  /** What the proof took the host to be; an empty list is unknown (the admin zone is then empty: SSH from anywhere counts as the internet). */
  readonly host: {
    readonly adminCidrs: readonly string[];
    readonly tailscaleAddresses: readonly string[];
    readonly tailnetIdentities: readonly string[];
    readonly publicInterface?: string;
  };
  /** The policy the cells were judged by, and why each platform-only service is (its image), when audit decided it. */
  readonly policy: {
    readonly allow: readonly { readonly zone: string; readonly port: number; readonly protocol: string; readonly why: string }[];
    readonly platformOnly: readonly { readonly service: string; readonly why?: string }[];
  };
  /** Each file and the kind it was read as (none: not recognised); `included`: read as an nginx include. */
  readonly artifacts: readonly { readonly file: string; readonly kind?: ArtifactKind; readonly included?: boolean }[];
}

/** The contract: `findings[]` of `{ code, severity, message, hint, location: { file, line } }`, plus matrix, missing, artifacts. */
export function formatAuditJson(report: AuditReport): string {
  const findings = report.findings.map((f) => ({
    code: f.code,
    severity: f.severity,
    message: f.message,
    hint: f.hint,
    path: f.path,
    location: f.location ? { file: f.location.file, line: f.location.line, column: f.location.column } : null,
  }));
  return `${JSON.stringify({ findings, matrix: report.matrix, missing: report.missing, host: report.host, policy: report.policy, artifacts: report.artifacts }, null, 2)}\n`;
}
