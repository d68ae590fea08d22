// The schema of moat.yaml: overrides of the built-in reference platform.
// Every object is strict (an unknown key is an error, with did-you-mean), every
// field is optional, and every field is described so the generated JSON Schema
// gives editors hover text. Cross-field rules (unknown services, addresses,
// dependencies, pinned images) live in config-merge.ts and addressing.ts.
import * as z from 'zod';
import { KubernetesSettings } from './kubernetes-schema.js';
import { PROVIDER_NAMES, ROUTING_MODES } from './llm.js';
import { contains, ipVersion, isIpAddress, parseCidrText, toCidr } from './net.js';
import { Exposure, Healthcheck, PolicyRule, PortSpec, Route, Volume } from './schema.js';

const IpAddress = z
  .string()
  .refine(isIpAddress, { message: 'not an IP address' })
  .meta({ anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] });

const Port = z.number().int().min(1).max(65535);

// Every value below lands in a rendered artifact (nginx.conf, nftables, an
// iptables-restore file, HCL, YAML, a shell script): each is validated here
// against what its target allows, so no input can add syntax there. The
// renderers quote for their syntax as well; this is the first wall.

/** One line of printable text: a title, a purpose, a why (no control characters, no newlines). */
export const Text = z
  .string()
  .max(500)
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'one line of text without control characters');

/** A DNS name: dot-separated labels of letters, digits and inner dashes (RFC 1123), 253 characters at most. */
export const DnsName = z
  .string()
  .max(253)
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
    'a DNS name: lower-case labels of letters, digits and dashes, separated by dots',
  );

/** A Linux interface name: at most 15 bytes (IFNAMSIZ), no slash, space, colon or leading dash. */
export const InterfaceName = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/, 'an interface name: up to 15 letters, digits, `_`, `.` or `-` (e.g. eth0, ens5)');

/** An Ollama model name as `ollama pull` takes it: `name[:tag]`, optionally `namespace/` or a registry host. */
export const ModelName = z
  .string()
  .max(200)
  .regex(/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*){0,2}(:[A-Za-z0-9][A-Za-z0-9._-]{0,127})?$/, 'a model name like llama3.2:3b or namespace/model:tag');

export const ServiceName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'service names are lower-case letters, digits and dashes, starting with a letter');

const PublishLong = z
  .strictObject({
    target: Port.describe('The container port.'),
    published: z
      .union([Port, z.string().regex(/^\d+(-\d+)?$/)])
      .optional()
      .describe('The host port, or a range `8000-8010`. Required by moat: no ephemeral ports.'),
    host_ip: IpAddress.optional().describe('The host address to bind (default 0.0.0.0: every interface).'),
    protocol: z.enum(['tcp', 'udp']).optional().describe('tcp (default) or udp.'),
    mode: z.enum(['host', 'ingress']).optional().describe('Compose publishing mode; ignored on a single host.'),
    name: z.string().optional().describe('A label for the port (Compose).'),
    app_protocol: z.string().optional().describe('The application protocol (Compose), e.g. http.'),
  })
  .describe('Compose long syntax of a published port.');

export const PublishEntry = z.union([
  z.string().describe('Compose short syntax: "[HOST_IP:]HOST_PORT[-END]:CONTAINER_PORT[/PROTOCOL]", IPv6 in brackets: "[::1]:5432:5432".'),
  PublishLong,
]);

export const ServiceConfig = z
  .strictObject({
    enabled: z.boolean().optional().describe('false removes a catalog service (and its gateway route) from the platform.'),
    image: z
      .string()
      .regex(/^\S+$/, 'an image reference has no spaces')
      .optional()
      .describe('Container image pinned to a version tag (never :latest). Required for a service moat does not know.'),
    address: IpAddress.optional().describe('Static address on the platform network, inside its subnet. Required for a new service.'),
    publish: z.array(PublishEntry).optional().describe('Host publications (compose `ports:`). Only the gateway should have one; `moat check` flags the rest.'),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name'), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional()
      .describe('Environment variables, merged over the catalog entry; null removes one. Secrets do not belong here.'),
    ports: z
      .array(PortSpec.extend({ purpose: Text, referenceNote: Text.optional() }).strict())
      .optional()
      .describe('Ports the service listens on inside the platform network (replaces the catalog list). Required for a new service.'),
    healthcheck: Healthcheck.extend({
      expects: Text,
      test: z
        .array(
          z
            .string()
            .max(4096)
            .regex(/^[^\u0000]*$/),
        )
        .min(2),
    })
      .strict()
      .optional()
      .describe('Compose health check; use only what the image has (many images lack curl).'),
    command: z.array(z.string()).optional().describe('Overrides the image command.'),
    dependsOn: z.array(ServiceName).optional().describe('Services that must be healthy first (replaces the catalog list).'),
    title: Text.min(1).optional().describe('Human name, for reports.'),
    description: Text.optional().describe('What the service does, for reports.'),
    exposure: Exposure.optional().describe('gateway | routed | internal | never-route (no auth of its own: never behind the gateway).'),
    volumes: z
      .array(
        Volume.omit({ bundleFile: true })
          .extend({
            name: z
              .string()
              .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, 'a Docker volume name: letters, digits, `_`, `.`, `-` (a path would bind-mount the host)'),
            target: z
              .string()
              .max(4096)
              .regex(/^\/[^:\u0000-\u001f]*$/, 'an absolute path inside the container, without `:`'),
            purpose: Text,
          })
          .strict(),
      )
      .optional()
      .describe('Named volumes (replaces the catalog list). Host paths cannot be mounted from moat.yaml.'),
    startBudgetSeconds: z.number().int().positive().optional().describe('Seconds `moat up` waits for the service to become healthy.'),
  })
  .describe('Overrides of a catalog service, or a new service (which needs image, address and ports).');

const Tailscale = z
  .strictObject({
    address: IpAddress.refine((s) => ipVersion(s) === 4 && contains('100.64.0.0/10', s), {
      message: 'a Tailscale IPv4 address lies in 100.64.0.0/10',
    })
      .optional()
      .describe("The host's Tailscale IPv4 address (`tailscale ip -4`); the gateway is published on it only."),
    address6: IpAddress.refine((s) => ipVersion(s) === 6 && contains('fd7a:115c:a1e0::/48', s), {
      message: 'a Tailscale IPv6 address lies in fd7a:115c:a1e0::/48',
    })
      .optional()
      .describe("The host's Tailscale IPv6 address (`tailscale ip -6`)."),
    hostname: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a host name is a DNS label')
      .optional()
      .describe('The machine name on the tailnet.'),
    tailnet: DnsName.optional().describe('The tailnet DNS name, e.g. tail1234.ts.net.'),
  })
  .describe('Tailscale identity of the host.');

const HostConfig = z
  .strictObject({
    adminCidr: z
      .string()
      .refine((s) => toCidr(s) !== undefined, { message: 'not an address or CIDR (198.51.100.7/32)' })
      .optional()
      .describe('Where SSH is allowed from: your admin IP as a /32 (a bare address means /32).'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, 'an AWS region like eu-west-1')
      .optional()
      .describe('AWS region, e.g. eu-west-1.'),
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an EC2 instance type like m7i.2xlarge')
      .optional()
      .describe('EC2 instance type, e.g. m7i.2xlarge.'),
    sshPort: Port.optional().describe('The SSH port (default 22).'),
    publicInterface: InterfaceName.optional().describe('The interface that faces the internet (default eth0; ens5 on current EC2 instances).'),
    tailscale: Tailscale.optional(),
  })
  .describe('The host and how it is reached.');

const NetworkConfig = z
  .strictObject({
    subnet: z
      .string()
      .refine((s) => parseCidrText(s) !== undefined, { message: 'not a CIDR (172.20.0.0/16)' })
      .optional()
      .describe('Subnet of the platform network (default 172.20.0.0/16); every service address lies inside it.'),
    gateway: IpAddress.optional().describe('Bridge gateway address (default: the first address after the network address).'),
  })
  .describe('The private platform network.');

/** A model as a provider names it (gpt-4o-mini, claude-sonnet-4-5, meta-llama/llama-3.3-70b-instruct on OpenRouter): no spaces or control characters. */
const ProviderModel = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@+-]*(\/[A-Za-z0-9][A-Za-z0-9._:@+-]*){0,3}$/, 'a model name as the provider writes it, e.g. gpt-4o-mini');

/** A model LiteLLM serves: a local one (llama3.2:3b) or a provider's, written <provider>/<model> (openai/gpt-4o-mini). */
const ServedModel = z
  .string()
  .max(260)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@+-]*(\/[A-Za-z0-9][A-Za-z0-9._:@+-]*){0,4}$/,
    'a model LiteLLM serves: llama3.2:3b, or openai/gpt-4o-mini for a provider model',
  );

const LlmConfig = z
  .strictObject({
    providers: z
      .array(
        z.strictObject({
          name: z.enum(PROVIDER_NAMES).describe("The provider, by LiteLLM's name for it (gemini is Google's Gemini API)."),
          models: z.array(ProviderModel).min(1).max(50).describe("The provider's models LiteLLM serves, each as <provider>/<model>."),
        }),
      )
      .max(PROVIDER_NAMES.length)
      .optional()
      .describe('Cloud providers LiteLLM may call (`moat providers add NAME` writes an entry and stores its key; the key is never in this file).'),
    routing: z
      .strictObject({
        mode: z.enum(ROUTING_MODES).describe("local-first: Ollama's models answer, a cloud model takes over when one fails; cloud-first: the reverse."),
        fallbacks: z
          .array(z.strictObject({ model: ServedModel, to: z.array(ServedModel).min(1).max(10) }))
          .max(50)
          .optional()
          .describe("Explicit fallbacks (model → models tried in order), replacing the mode's for the same model."),
      })
      .optional()
      .describe('How LiteLLM routes between local and cloud models (`moat routing` writes it).'),
  })
  .describe('LiteLLM beyond Ollama: cloud providers and routing.');

export const ConfigSchema = z
  .strictObject({
    project: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, 'a project name is lower-case letters, digits and dashes')
      .optional()
      .describe('Project name: prefixes containers, volumes and cloud resources.'),
    host: HostConfig.optional(),
    network: NetworkConfig.optional(),
    models: z.array(ModelName).max(50).optional().describe('Models LiteLLM serves from Ollama (replaces the default list), e.g. llama3.2:3b.'),
    knowledge: z
      .strictObject({
        // AnythingLLM makes a workspace's slug from its name with slugify (lower-case, dashes): moat asks for one it can keep as it is.
        // A letter first: the vector store names its collection after the slug, and Weaviate's class names start with a letter.
        workspace: z
          .string()
          .regex(/^[a-z][a-z0-9-]{0,62}$/, 'a workspace slug: a lower-case letter, then letters, digits and dashes, up to 63')
          .optional()
          .describe('The AnythingLLM workspace Drive documents are embedded into (default moat-knowledge); the bot answers from the same one.'),
        // Lands in a systemd unit file: one line of the characters calendar expressions use, nothing that starts a new line or a new key.
        schedule: z
          .string()
          .max(64)
          .regex(/^[A-Za-z0-9*:,./~ -]+$/, 'a systemd calendar expression like hourly, daily or *-*-* 06:00:00')
          .optional()
          .describe('When the rendered systemd timer runs `moat drive sync` (systemd OnCalendar, default hourly; `systemd-analyze calendar` checks one).'),
      })
      .optional()
      .describe('Google Drive documents as knowledge in AnythingLLM.'),
    llm: LlmConfig.optional(),
    services: z
      .record(ServiceName, ServiceConfig)
      .optional()
      .describe('Per-service overrides by catalog name; a name moat does not know adds a service (it needs image, address, ports).'),
    gateway: z
      .strictObject({
        originPerApp: z
          .boolean()
          .optional()
          .describe(
            'Give every app its own origin (its own TLS port on the Tailscale address), not only those that cannot live under a path: apps under one origin share cookies and storage.',
          ),
      })
      .optional()
      .describe('How the gateway serves the apps.'),
    routes: z
      .array(
        Route.omit({ servedAt: true, url: true })
          .extend({ notes: z.array(Text).max(20).optional(), sources: z.array(Text).max(20).optional() })
          .strict(),
      )
      .optional()
      .describe('Extra gateway routes (path → service:port), appended to the catalog routes.'),
    policy: z
      .strictObject({
        allow: z
          .array(
            PolicyRule.extend({
              why: Text,
              from: z
                .string()
                .max(100)
                .regex(/^[A-Za-z0-9:./@_*-]+$/, 'a CIDR, or a tailnet source (group:x, user@example.com, tag:x)')
                .optional(),
              target: z
                .string()
                .regex(/^[a-z][a-z0-9-]*$/)
                .optional(),
            }).strict(),
          )
          .optional()
          .describe('Extra exposure rules (zone may reach port), appended to the reference policy.'),
      })
      .optional()
      .describe('The exposure policy `moat check` proves.'),
    kubernetes: KubernetesSettings.optional(),
  })
  .describe('moat.yaml: overrides of the built-in reference platform.');

export type Config = z.output<typeof ConfigSchema>;
export type ServiceConfig = z.output<typeof ServiceConfig>;
export type PublishEntry = z.output<typeof PublishEntry>;
