// Values that depend on the host reach the containers: n8n's public webhook URL
// must follow the Tailscale host name, or every webhook it shows is wrong.

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { renderCompose } from '../../../src/render/compose.js';

type Compose = { services: Record<string, { environment?: Record<string, string> }> };

function composeFor(hostname: string): Compose {
  const input = referencePlatform();
  const platform = normalizePlatform({ ...input, host: { ...input.host, tailscale: { ...input.host.tailscale, hostname, tailnet: 'tail1234.ts.net' } } });
  const file = renderCompose(platform, {}).files.find((f) => f.path === 'compose.yaml');
  return parse(file?.content ?? '') as Compose;
}

describe('host-dependent environment in compose.yaml', () => {
  const compose = composeFor('lab-host');

  it("gives n8n its public URL under /n8n/ on the gateway's host name", () => {
    const env = compose.services['n8n']?.environment ?? {};
    expect(env['N8N_WEBHOOK_URL']).toBe('https://lab-host.tail1234.ts.net:8443/n8n/');
    expect(env['N8N_EDITOR_BASE_URL']).toBe('https://lab-host.tail1234.ts.net:8443/n8n/');
    expect(env['N8N_HOST']).toBe('lab-host.tail1234.ts.net');
    expect(env['N8N_PATH']).toBe('/n8n/');
  });

  it("gives Dify's API and worker the public file URL", () => {
    for (const name of ['dify-api', 'dify-worker']) {
      expect(compose.services[name]?.environment?.['FILES_URL']).toBe('https://lab-host.tail1234.ts.net:8445');
    }
  });
});
