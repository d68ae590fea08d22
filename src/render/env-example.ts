// .env.example: every secret of the platform by name, with its rotation policy,
// why it exists, and who reads it under which variable. No values: `moat up`
// generates them into its secrets store and writes secrets/<service>.env.
import { allSecrets } from '../model/lookup.js';
import type { Platform, SecretRef } from '../model/types.js';
import { generatedHeader, type Renderer } from './types.js';

export const ENV_EXAMPLE_FILE = '.env.example';

export const renderEnvExample: Renderer = (platform) => {
  const lines = [
    generatedHeader('#'),
    '# The secrets of the platform. Values are never written here: `moat up` generates',
    '# each one once, keeps it in its secrets store and gives every service only the',
    '# secrets it reads, in secrets/<service>.env (mode 0600).',
    '# NEVER ROTATE: the secret encrypts stored data; a new value makes that data unreadable.',
    '',
  ];
  for (const secret of allSecrets(platform)) lines.push(...secretLines(platform, secret), '');
  return { files: [{ path: ENV_EXAMPLE_FILE, content: `${lines.join('\n').trimEnd()}\n` }], warnings: [] };
};

function secretLines(platform: Platform, secret: SecretRef): string[] {
  const policy = secret.policy === 'never-rotate' ? 'NEVER ROTATE' : 'rotatable';
  const { bytes, encoding, prefix } = secret.generate;
  const readers = platform.services.flatMap((service) => service.secrets.filter((s) => s.name === secret.name).map((s) => `${service.name} (${s.env})`)).sort();
  const out = [
    `# ${secret.name} — ${policy}`,
    `#   why: ${secret.why}`,
    `#   generated: ${bytes} random bytes, ${encoding}${prefix ? `, prefixed "${prefix}"` : ''}`,
    `#   read by: ${readers.join(', ')}`,
  ];
  if (secret.knownDefaults.length > 0)
    out.push(`#   refused: the ${secret.knownDefaults.length === 1 ? 'value' : `${secret.knownDefaults.length} values`} of upstream samples`);
  out.push(`${secret.name}=`);
  return out;
}
