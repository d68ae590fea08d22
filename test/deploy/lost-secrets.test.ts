import { describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { lostSecretFindings } from '../../src/deploy/lost-secrets.js';
import { normalizePlatform } from '../../src/model/normalize.js';

const platform = normalizePlatform(referencePlatform());

describe('never-rotate secrets whose data outlived the store', () => {
  it("refuses to regenerate n8n's key while n8n's volume exists", () => {
    const findings = lostSecretFindings(platform, new Map(), ['ai-platform_n8n-data'], '.moat/secrets.env');
    expect(findings.map((f) => [f.code, f.path])).toEqual([['secrets.never-rotate-lost', 'secrets.N8N_ENCRYPTION_KEY']]);
    expect(findings[0]?.message).toContain('ai-platform_n8n-data');
  });

  it("refuses to regenerate Dify's DB password while the database volume exists (Postgres keeps the first one)", () => {
    const stored = new Map([
      ['N8N_ENCRYPTION_KEY', 'x'],
      ['DIFY_SECRET_KEY', 'y'],
    ]);
    const findings = lostSecretFindings(platform, stored, ['ai-platform_dify-db-data'], '.moat/secrets.env');
    expect(findings.map((f) => [f.code, f.path])).toEqual([['secrets.never-rotate-lost', 'secrets.DIFY_DB_PASSWORD']]);
    expect(findings[0]?.message).toContain('ai-platform_dify-db-data');
  });

  it('lets a fresh deployment (no volumes) or a kept key through, and ignores rotatable secrets', () => {
    expect(lostSecretFindings(platform, new Map(), [], 'f')).toEqual([]);
    expect(lostSecretFindings(platform, new Map([['N8N_ENCRYPTION_KEY', 'x']]), ['ai-platform_n8n-data'], 'f')).toEqual([]);
    // LiteLLM has no named volume and a rotatable key: never a finding.
    expect(lostSecretFindings(platform, new Map(), ['ai-platform_litellm-config'], 'f')).toEqual([]);
  });
});
