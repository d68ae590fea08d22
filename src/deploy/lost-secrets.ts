// The failure the reference's users were burnt by: an encryption key generated
// anew on redeploy while the data it encrypted is still there. When a
// never-rotate secret is missing from the store but a volume of a service
// that reads it exists, generating one would silently make that data
// unreadable: refuse, and say how to get out.
import type { Finding } from '../model/findings.js';
import { allSecrets } from '../model/lookup.js';
import type { Platform } from '../model/types.js';

/** Compose names a project's volume `<project>_<volume>`. */
export function composeVolumeName(platform: Platform, volume: string): string {
  return `${platform.project}_${volume}`;
}

export function lostSecretFindings(
  platform: Platform,
  stored: ReadonlyMap<string, string>,
  existingVolumes: readonly string[],
  secretsFile: string,
): Finding[] {
  const existing = new Set(existingVolumes);
  const findings: Finding[] = [];
  for (const secret of allSecrets(platform)) {
    if (secret.policy !== 'never-rotate' || stored.has(secret.name)) continue;
    const volumes = platform.services
      .filter((s) => s.secrets.some((x) => x.name === secret.name))
      .flatMap((s) => s.volumes.filter((v) => v.bundleFile === undefined).map((v) => composeVolumeName(platform, v.name)))
      .filter((name) => existing.has(name));
    if (volumes.length === 0) continue;
    findings.push({
      code: 'secrets.never-rotate-lost',
      severity: 'critical',
      path: `secrets.${secret.name}`,
      message: `${secret.name} is missing from ${secretsFile}, but ${volumes.join(', ')} still hold data made with it; a new value would make that data unreadable (${secret.why})`,
      hint: `restore ${secret.name} into ${secretsFile} from a backup; or, to start over without that data, \`moat reset\``,
    });
  }
  return findings;
}
