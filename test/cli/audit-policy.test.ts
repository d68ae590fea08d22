// The policy `moat audit` judges a foreign deployment by: what a service is
// comes from its image repository, never its name; ports from the artifacts.
import { describe, expect, it } from 'vitest';
import type { ExposureState } from '../../src/analyze/state.js';
import { mergeFragments } from '../../src/ingest/merge.js';
import { auditPolicy, imageRepository, platformOnlyWhy } from '../../src/proof/audit-policy.js';

describe('imageRepository', () => {
  it.each([
    ['postgres:16', 'postgres'],
    ['docker.io/library/redis:7.2-alpine', 'redis'],
    ['library/mongo', 'mongo'],
    ['ollama/ollama@sha256:0123abcd', 'ollama/ollama'],
    ['registry.example:5000/team/app:1.0', 'registry.example:5000/team/app'],
    ['Semitechnologies/Weaviate:1.25.1', 'semitechnologies/weaviate'],
    ['ghcr.io/berriai/litellm:main-v1.71.1-stable', 'ghcr.io/berriai/litellm'],
  ])('%s → %s', (image, repo) => expect(imageRepository(image)).toBe(repo));

  it('knows unauthenticated kinds by image, not by look-alike names', () => {
    expect(platformOnlyWhy('redis:7')).toContain('requirepass');
    expect(platformOnlyWhy('langgenius/dify-sandbox:0.2.12')).toBeDefined();
    expect(platformOnlyWhy('example/redis-commander:latest')).toBeUndefined();
    expect(platformOnlyWhy('nginx:1.27')).toBeUndefined();
    expect(platformOnlyWhy(undefined)).toBeUndefined();
  });
});

const origin = { file: 'x', line: 1 };
const base = (): ExposureState => mergeFragments([]).state;

describe('auditPolicy', () => {
  it('defaults to SSH 22 (admin), WireGuard 41641/udp (internet), gateway 8443 (tailnet) when the artifacts do not say', () => {
    const policy = auditPolicy(base());
    expect(policy.allow.map((r) => `${r.zone} ${r.port}/${r.protocol}`)).toEqual(['admin 22/tcp', 'internet 41641/udp', 'tailnet 8443/tcp']);
    expect(policy.platformOnly).toEqual([]);
  });

  it('takes the ports sshd, tailscaled and nginx (TLS, serving) say, and platform-only services by image', () => {
    const s = base();
    const state: ExposureState = {
      ...s,
      sockets: {
        ...s.sockets,
        listeners: [
          { kind: 'host', owner: 'sshd', address: '0.0.0.0', port: 2222, protocol: 'tcp', origin },
          { kind: 'host', owner: 'tailscaled', address: '::', port: 41700, protocol: 'udp', origin },
        ],
      },
      gateway: {
        present: true,
        servers: [
          {
            listens: [
              { port: 9443, tls: true, defaultServer: false },
              { port: 80, tls: false, defaultServer: false },
            ],
            serverNames: [],
            rejectsHandshake: false,
            locations: [],
            origin,
          },
          { listens: [{ port: 9999, tls: true, defaultServer: true }], serverNames: [], rejectsHandshake: true, locations: [], origin },
        ],
      },
      services: [
        { name: 'pg', image: 'postgres:16', addresses: [], aliases: [], env: {}, origin },
        { name: 'dify-db', image: 'example/web:1', addresses: [], aliases: [], env: {}, origin },
        { name: 'llm', image: 'ollama/ollama:0.5.7', addresses: [], aliases: [], env: {}, origin },
      ],
    };
    const policy = auditPolicy(state);
    expect(policy.allow.map((r) => `${r.zone} ${r.port}/${r.protocol}`)).toEqual(['admin 2222/tcp', 'internet 41700/udp', 'tailnet 9443/tcp']);
    expect(policy.platformOnly).toEqual(['llm', 'pg']);
  });
});
