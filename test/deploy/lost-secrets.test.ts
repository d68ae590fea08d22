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

  it('lets a fresh deployment (no volumes) or a kept key through, and ignores rotatable secrets', () => {
    expect(lostSecretFindings(platform, new Map(), [], 'f')).toEqual([]);
    expect(lostSecretFindings(platform, new Map([['N8N_ENCRYPTION_KEY', 'x']]), ['ai-platform_n8n-data'], 'f')).toEqual([]);
    // LiteLLM has no named volume and a rotatable key: never a finding.
    expect(lostSecretFindings(platform, new Map(), ['ai-platform_litellm-config'], 'f')).toEqual([]);
  });
});
