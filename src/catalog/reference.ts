// The platform of shared/reference/ports_security.md, as moat's built-in default.
import type { PlatformInput } from '../model/types.js';
import { NETWORK } from './define.js';
import { CATALOG } from './index.js';
import { REFERENCE_NOTES } from './notes.js';
import { DIFY_PROXY, GATEWAY_ROUTES } from './routes.js';

/** Placeholders a real deployment replaces in moat.yaml (documentation ranges). */
export const PLACEHOLDER_ADMIN_CIDR = '203.0.113.10/32';
export const PLACEHOLDER_TAILSCALE_ADDRESS = '100.64.0.10';

export const BACKEND_ONLY = [
  'ollama',
  'litellm',
  'dify-db',
  'dify-redis',
  'dify-weaviate',
  'signal-api',
  'gdrive',
  'dify-api',
  'dify-worker',
  'dify-worker-beat',
  'dify-web',
  'dify-sandbox',
  'dify-plugin-daemon',
  'dify-ssrf-proxy',
];

export function referencePlatform(): PlatformInput {
  return {
    kind: 'platform',
    project: 'ai-platform',
    host: {
      cloud: 'aws',
      region: 'us-east-1',
      instanceType: 'm7i.2xlarge',
      publicInterface: 'eth0',
      adminCidr: PLACEHOLDER_ADMIN_CIDR,
      sshPort: 22,
      tailscale: {
        address: PLACEHOLDER_TAILSCALE_ADDRESS,
        hostname: 'ai-platform',
        tailnet: 'example.ts.net',
        interface: 'tailscale0',
        udpPort: 41641,
        tag: 'tag:ai-platform',
        group: 'group:ai-platform-users',
      },
    },
    networks: [{ name: NETWORK, subnet: '172.20.0.0/16', gateway: '172.20.0.1', driver: 'bridge', internal: false }],
    services: [...CATALOG],
    gateway: {
      service: 'nginx',
      listenPort: 8443,
      tls: {
        // Written by `tailscale cert` on the host (see the bootstrap), mounted read-only.
        certFile: '/etc/nginx/tls/gateway.crt',
        keyFile: '/etc/nginx/tls/gateway.key',
        protocols: ['TLSv1.2', 'TLSv1.3'],
      },
      routes: GATEWAY_ROUTES,
    },
    internalProxies: [DIFY_PROXY],
    policy: {
      allow: [
        { zone: 'admin', port: 22, protocol: 'tcp', why: 'SSH access (key-based) from the admin IP' },
        { zone: 'internet', port: 41641, protocol: 'udp', why: 'Tailscale WireGuard (direct paths)' },
        { zone: 'tailnet', port: 8443, protocol: 'tcp', why: 'HTTPS gateway, tailnet only' },
      ],
      platformOnly: BACKEND_ONLY,
    },
    llm: { models: ['llama3.2:3b'], embedder: 'nomic-embed-text:latest' },
    notes: REFERENCE_NOTES,
  };
}
