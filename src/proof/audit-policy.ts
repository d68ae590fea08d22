// The policy of a deployment moat did not make (`moat audit` without a
// moat.yaml): the reference's intent (shared/reference/ports_security.md)
// stated in terms of what the artifacts say, never of moat's service names.
// - admin may reach SSH, on the ports sshd_config says (default 22);
// - the internet may reach WireGuard, on tailscaled's port (default 41641/udp);
// - the tailnet may reach the gateway's TLS ports: those the nginx servers
//   listen on with TLS (8443, the reference's, when no nginx was given);
// - every service that is what the reference keeps "Docker network only"
//   (an inference API, a database, a code sandbox...) is platform-only. What a
//   service IS is read from its image repository, not from its name: a
//   deployment may call its Postgres `db`, `pg` or `dify-db`.
import type { ExposureState, Listener } from '../analyze/state.js';
import type { Policy, PolicyRule } from '../model/types.js';

/**
 * Image repositories whose service has no authentication of its own (or one
 * the reference never puts in front of anything but the platform network).
 * Matched on the repository without registry, tag or digest; `library/` (the
 * Docker Hub official images) is dropped.
 */
export const PLATFORM_ONLY_IMAGES: readonly { readonly repository: string; readonly why: string }[] = [
  {
    repository: 'ollama/ollama',
    why: 'the Ollama HTTP API (11434) has no authentication: anyone who reaches it can pull, delete and run models (ollama docs/api.md, docs/faq.md "expose Ollama on my network")',
  },
  {
    repository: 'redis',
    why: 'the official image runs without requirepass and with protected mode off (docker-library/redis); anyone who reaches 6379 reads, writes and can CONFIG SET',
  },
  { repository: 'valkey/valkey', why: 'the Redis fork, same defaults: no password unless configured' },
  {
    repository: 'postgres',
    why: 'a database: one password (or POSTGRES_HOST_AUTH_METHOD=trust) between the caller and every record; the reference keeps it Docker network only',
  },
  { repository: 'mysql', why: 'a database: only a password between the caller and every record' },
  { repository: 'mariadb', why: 'a database: only a password between the caller and every record' },
  { repository: 'mongo', why: 'the official image starts without access control unless MONGO_INITDB_ROOT_USERNAME is set (docker-library/mongo)' },
  {
    repository: 'semitechnologies/weaviate',
    why: 'anonymous access is on by default (AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true in weaviate docs "Authentication")',
  },
  { repository: 'cr.weaviate.io/semitechnologies/weaviate', why: 'Weaviate from its own registry: anonymous access on by default' },
  {
    repository: 'bbernhard/signal-cli-rest-api',
    why: 'the REST API has no authentication: whoever reaches it sends and reads Signal messages as the linked number (bbernhard/signal-cli-rest-api README)',
  },
  {
    repository: 'rclone/rclone',
    why: 'rclone rcd/serve with --rc-no-auth or without --rc-user exposes the remote (here Google Drive) and its credentials to the caller (rclone docs "Remote controlling rclone")',
  },
  { repository: 'langgenius/dify-sandbox', why: 'runs the code it is sent; its only guard is a shared API key in the environment (langgenius/dify-sandbox)' },
  { repository: 'langgenius/dify-plugin-daemon', why: 'installs and runs plugins; guarded by a shared server key only (langgenius/dify-plugin-daemon)' },
  { repository: 'elasticsearch', why: 'the 7.x and older images have no security unless xpack.security is enabled' },
  { repository: 'docker.elastic.co/elasticsearch/elasticsearch', why: "Elasticsearch from Elastic's registry: security off in 7.x unless enabled" },
  { repository: 'memcached', why: 'the memcached protocol has no authentication (SASL only in the binary protocol, off by default)' },
  { repository: 'rabbitmq', why: 'the image creates guest/guest unless RABBITMQ_DEFAULT_USER is set' },
  { repository: 'qdrant/qdrant', why: 'no API key unless QDRANT__SERVICE__API_KEY is set (qdrant docs "Security")' },
  { repository: 'chromadb/chroma', why: 'no authentication unless a CHROMA_SERVER_AUTH provider is configured' },
];

/** `registry.example:5000/library/redis:7@sha256:…` → `redis`; `ghcr.io/x/y:1` → `ghcr.io/x/y`. Docker Hub's host and `library/` are dropped. */
export function imageRepository(image: string): string {
  let repo = image.trim().toLowerCase().split('@')[0] ?? '';
  const slash = repo.lastIndexOf('/');
  const colon = repo.lastIndexOf(':');
  if (colon > slash) repo = repo.slice(0, colon); // a tag, not a registry port
  repo = repo.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  return repo.replace(/^library\//, '');
}

/** Why an image's service is platform-only, or undefined when its repository is not in the table. */
export function platformOnlyWhy(image: string | undefined): string | undefined {
  if (image === undefined) return undefined;
  const repo = imageRepository(image);
  return PLATFORM_ONLY_IMAGES.find((e) => e.repository === repo)?.why;
}

const portsOf = (listeners: readonly Listener[], owner: string, protocol: 'tcp' | 'udp'): number[] =>
  [...new Set(listeners.filter((l) => l.kind === 'host' && l.owner === owner && l.protocol === protocol).map((l) => l.port))].sort((a, b) => a - b);

export const DEFAULT_SSH_PORT = 22;
export const DEFAULT_WIREGUARD_PORT = 41641;
export const DEFAULT_GATEWAY_PORT = 8443;

/** The gateway's TLS ports, as the nginx servers that serve (do not reject the handshake) listen. */
export function gatewayTlsPorts(state: ExposureState): number[] {
  const ports = state.gateway.servers.filter((s) => !s.rejectsHandshake).flatMap((s) => s.listens.filter((l) => l.tls).map((l) => l.port));
  return [...new Set(ports)].sort((a, b) => a - b);
}

export function auditPolicy(state: ExposureState): Policy {
  const ssh = portsOf(state.sockets.listeners, 'sshd', 'tcp');
  const wireguard = portsOf(state.sockets.listeners, 'tailscaled', 'udp');
  const gateway = gatewayTlsPorts(state);
  const rule = (zone: PolicyRule['zone'], port: number, protocol: PolicyRule['protocol'], why: string): PolicyRule => ({
    zone,
    port,
    protocol,
    target: 'host',
    why,
  });
  const allow: PolicyRule[] = [
    ...(ssh.length > 0 ? ssh : [DEFAULT_SSH_PORT]).map((p) => rule('admin', p, 'tcp', 'SSH from the admin CIDR')),
    ...(wireguard.length > 0 ? wireguard : [DEFAULT_WIREGUARD_PORT]).map((p) => rule('internet', p, 'udp', 'Tailscale WireGuard (direct paths)')),
    ...(gateway.length > 0 ? gateway : [DEFAULT_GATEWAY_PORT]).map((p) => rule('tailnet', p, 'tcp', 'the HTTPS gateway, tailnet only')),
  ];
  const platformOnly = [...new Set(state.services.filter((s) => platformOnlyWhy(s.image) !== undefined).map((s) => s.name))].sort();
  return { allow, platformOnly };
}
