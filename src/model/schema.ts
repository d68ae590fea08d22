// The platform model: what a deployment is, as zod schemas. Types are inferred
// from these (see types.ts); the model itself is plain readonly data.
import * as z from 'zod';
import { KubernetesSettings } from './kubernetes-schema.js';
import { PROVIDER_NAMES, ROUTING_MODES } from './llm.js';

export const Protocol = z.enum(['tcp', 'udp']);
export const ZoneName = z.enum(['internet', 'admin', 'tailnet', 'host', 'platform']);

/** A port a service listens on, inside the platform network. */
export const PortSpec = z.object({
  port: z.number().int().min(1).max(65535),
  protocol: Protocol.default('tcp'),
  purpose: z.string(),
  /** Set when moat deliberately differs from the reference for this port. */
  referenceNote: z.string().optional(),
});

/**
 * A host-side publication of a container port (compose `ports:`). Only the
 * gateway should have one; anything else is a finding.
 */
export const Publish = z.object({
  hostAddress: z.string(),
  hostPort: z.number().int().min(1).max(65535),
  /** Last port of a range (inclusive); absent for a single port. */
  hostPortEnd: z.number().int().min(1).max(65535).optional(),
  containerPort: z.number().int().min(1).max(65535),
  protocol: Protocol.default('tcp'),
});

export const SecretPolicy = z.enum(['never-rotate', 'rotatable']);

/** A secret, referenced by name; its value lives only in the secrets file. */
export const SecretRef = z.object({
  name: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  /** The environment variable the app reads it from. */
  env: z.string(),
  policy: SecretPolicy,
  /** How moat generates it: random bytes, written as hex or base64. */
  generate: z.object({
    bytes: z.number().int().min(16).max(128),
    encoding: z.enum(['hex', 'base64url']),
    /** A fixed prefix the app requires (LiteLLM keys start with `sk-`). */
    prefix: z.string().default(''),
  }),
  /** Upstream defaults that must never be used (docker-compose samples, docs). */
  knownDefaults: z.array(z.string()).default([]),
  why: z.string(),
});

export const Volume = z.object({
  name: z.string(),
  target: z.string(),
  purpose: z.string(),
  readOnly: z.boolean().default(false),
  /** A file or folder that moat renders (bind-mounted from the bundle). */
  bundleFile: z.string().optional(),
});

export const Healthcheck = z.object({
  /** Compose form: `['CMD', ...]` or `['CMD-SHELL', '...']`, using only what the image has. */
  test: z.array(z.string()).min(2),
  /** What the check proves, for the report when it fails. */
  expects: z.string(),
  intervalSeconds: z.number().int().positive().default(10),
  timeoutSeconds: z.number().int().positive().default(5),
  retries: z.number().int().positive().default(5),
  startPeriodSeconds: z.number().int().nonnegative().default(30),
});

export const Hardening = z.object({
  readOnlyRootFs: z.boolean(),
  noNewPrivileges: z.boolean().default(true),
  capDrop: z.array(z.string()).default(['ALL']),
  capAdd: z.array(z.string()).default([]),
  /** Writable scratch space a read-only image still needs. */
  tmpfs: z.array(z.string()).default([]),
  user: z.string().optional(),
});

/** Where a service sits in the exposure model. */
export const Exposure = z.enum([
  'gateway', // the one published service
  'routed', // reachable only through a gateway route
  'internal', // platform network only; may be routed if the user asks
  'never-route', // must never be behind the gateway (no auth of its own)
]);

export const Origin = z.enum(['reference', 'addition', 'user']);

export const Service = z.object({
  kind: z.literal('service'),
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  title: z.string(),
  description: z.string(),
  origin: Origin,
  image: z.string().regex(/^[^\s:]+(:[^\s:@]+)(@sha256:[0-9a-f]{64})?$/, 'pin an image to a version tag'),
  network: z.string(),
  address: z.string(),
  /**
   * Extra Docker networks with `internal: true` (no route out of the host) the
   * service also joins, e.g. Dify's sandbox network shared only with the SSRF
   * proxy and the API. The subnet is fixed so an egress policy can name it.
   */
  internalNetworks: z.array(z.object({ name: z.string().regex(/^[a-z][a-z0-9-]*$/), subnet: z.string() })).default([]),
  /** Kept off the platform network: the service is reachable only on its internalNetworks. */
  isolated: z.boolean().default(false),
  ports: z.array(PortSpec),
  publish: z.array(Publish).default([]),
  command: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).default({}),
  secrets: z.array(SecretRef).default([]),
  volumes: z.array(Volume).default([]),
  healthcheck: Healthcheck.optional(),
  dependsOn: z.array(z.string()).default([]),
  hardening: Hardening,
  exposure: Exposure,
  /** Seconds `moat up` waits for this service to become healthy. */
  startBudgetSeconds: z.number().int().positive().default(120),
  /** Upstream documentation the catalog entry was checked against. */
  sources: z.array(z.string()).default([]),
});

/**
 * How an app copes with living under a path prefix on the gateway. An app
 * that cannot (`none`) gets its own origin: its own TLS port on the Tailscale
 * address, served at `/`. Nothing rewrites an app's responses: rewriting
 * JavaScript corrupts it (design.md, reviews/apps.md F4).
 */
export const PrefixMode = z.enum([
  'native', // the app is told its base path and serves under it (proxy keeps the prefix)
  'strip', // the app is told its base path for the URLs it emits; the proxy strips the prefix
  'none', // no base-path support upstream: the app needs its own origin
]);

/** Where the gateway serves a route: under its path on the main origin, or at `/` of its own origin. */
export const ServedAt = z.enum(['path', 'origin']);

export const Route = z.object({
  /** The route's path on the main origin (the reference's `/n8n`); an own-origin app redirects from it. */
  path: z.string().regex(/^\/[A-Za-z0-9._~\-/]*$/),
  service: z.string(),
  port: z.number().int().min(1).max(65535),
  prefix: PrefixMode,
  /** The TLS port of the app's own origin on the Tailscale address (used when it is served there). */
  originPort: z.number().int().min(1).max(65535).optional(),
  /** Filled by normalize: `origin` when the app cannot live under a prefix or every app gets its own origin. */
  servedAt: ServedAt.default('path'),
  /** Filled by normalize: the public URL users open (`https://host.tailnet:8444/`, `https://host.tailnet:8443/n8n/`). */
  url: z.string().default(''),
  websocket: z.boolean().default(false),
  /**
   * The path (under where the app is served) at which its UI opens its
   * WebSocket, exactly: '' is the base path itself without a trailing slash
   * (OpenClaw's Control UI). `moat probe` opens it with the browser's Origin.
   */
  websocketPath: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~\-/]*)?$/)
    .optional(),
  /** Streamed responses (SSE, chunked LLM tokens): no proxy buffering. */
  streaming: z.boolean().default(false),
  maxBodyMegabytes: z.number().int().positive().default(10),
  readTimeoutSeconds: z.number().int().positive().default(60),
  /** Why this recipe; shown in the artifact. */
  notes: z.array(z.string()).default([]),
  /** Upstream sources that show the app supports this recipe (its base-path mode, its WebSocket URL). */
  sources: z.array(z.string()).default([]),
});

export const Network = z.object({
  name: z.string(),
  subnet: z.string(),
  gateway: z.string(),
  driver: z.literal('bridge'),
  internal: z.boolean(),
});

export const Host = z.object({
  cloud: z.literal('aws'),
  region: z.string(),
  instanceType: z.string(),
  /** The interface that faces the internet. */
  publicInterface: z.string(),
  adminCidr: z.string(),
  sshPort: z.number().int().min(1).max(65535),
  tailscale: z.object({
    address: z.string(),
    address6: z.string().optional(),
    hostname: z.string(),
    tailnet: z.string(),
    interface: z.string(),
    udpPort: z.number().int().min(1).max(65535),
    tag: z.string(),
    group: z.string(),
  }),
});

export const Gateway = z.object({
  service: z.string(),
  /** The main origin's TLS port (the reference's 8443). */
  listenPort: z.number().int().min(1).max(65535),
  /** Give every app its own origin, not only those that cannot live under a path (isolates their storage). */
  originPerApp: z.boolean().default(false),
  tls: z.object({
    certFile: z.string(),
    keyFile: z.string(),
    protocols: z.array(z.enum(['TLSv1.2', 'TLSv1.3'])),
  }),
  routes: z.array(Route),
});

/** Dify's own nginx: path → internal service, from Dify's docker/nginx templates. */
export const InternalRoute = z.object({
  path: z.string(),
  service: z.string(),
  port: z.number().int(),
  purpose: z.string(),
  websocket: z.boolean().default(false),
  streaming: z.boolean().default(false),
});

export const InternalProxy = z.object({
  service: z.string(),
  listenPort: z.number().int(),
  routes: z.array(InternalRoute),
});

/** One rule of the exposure policy: this zone may reach this port. */
export const PolicyRule = z.object({
  zone: ZoneName,
  port: z.number().int().min(1).max(65535),
  protocol: Protocol,
  /** Restrict the source inside the zone (e.g. the admin /32). */
  from: z.string().optional(),
  /** Which address the port is on: the host, or a service of the platform. */
  target: z.string().default('host'),
  why: z.string(),
});

export const Policy = z.object({
  allow: z.array(PolicyRule),
  /** Services that must never be reachable except from the platform network. */
  platformOnly: z.array(z.string()),
});

/** A difference between the reference document and what moat does, with why. */
export const ReferenceNote = z.object({
  code: z.string(),
  subject: z.string(),
  reference: z.string(),
  moat: z.string(),
  source: z.string(),
});

export const Platform = z.object({
  kind: z.literal('platform'),
  project: z.string().regex(/^[a-z][a-z0-9-]*$/),
  host: Host,
  networks: z.array(Network).min(1),
  services: z.array(Service),
  gateway: Gateway,
  internalProxies: z.array(InternalProxy),
  policy: Policy,
  llm: z.object({
    /** Chat models served from Ollama (and through LiteLLM), pulled by `moat up`. */
    models: z.array(z.string()),
    /** The embedding model AnythingLLM (and the knowledge step) uses, pulled by `moat up` too. */
    embedder: z.string().default('nomic-embed-text:latest'),
    /** Cloud providers LiteLLM may call, each with the models it serves (keys in the secrets store, never here). */
    providers: z.array(z.object({ name: z.enum(PROVIDER_NAMES), models: z.array(z.string()).min(1) })).default([]),
    /** LiteLLM's routing between local and cloud models; absent: LiteLLM's defaults, no fallbacks. */
    routing: z
      .object({ mode: z.enum(ROUTING_MODES), fallbacks: z.array(z.object({ model: z.string(), to: z.array(z.string()).min(1) })).default([]) })
      .optional(),
  }),
  /** The knowledge step: synced Drive files kept in step with an AnythingLLM workspace (`moat knowledge sync`). */
  knowledge: z
    .object({
      /** The AnythingLLM workspace slug; the bot's knowledge tool reads the same one. */
      workspace: z.string().default('moat-knowledge'),
      /** When the rendered systemd timer runs `moat drive sync` (an OnCalendar expression). */
      schedule: z.string().default('hourly'),
    })
    .prefault({}),
  notes: z.array(ReferenceNote),
  /** What a Kubernetes cluster needs that one host does not (`moat plan --target kubernetes`). */
  kubernetes: KubernetesSettings.prefault({}),
});

export { KubernetesSettings };
