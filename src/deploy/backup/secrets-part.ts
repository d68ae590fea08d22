// The secrets store inside a backup: encrypted with a passphrase in the age
// format (https://age-encryption.org/v1, scrypt recipient), so the backup can
// sit on a shared disk and still be opened with the standard `age -d` tool.
// Library: age-encryption (typage, by the age author), `Encrypter.setPassphrase`
// / `Decrypter.addPassphrase` (README of FiloSottile/typage).
import { Decrypter, Encrypter } from 'age-encryption';
import type { Finding } from '../../model/findings.js';
import { allSecrets } from '../../model/lookup.js';
import type { Platform } from '../../model/types.js';
import { formatSecrets, parseSecrets } from '../secrets-store.js';

export async function encryptSecrets(values: ReadonlyMap<string, string>, passphrase: string): Promise<Uint8Array> {
  const encrypter = new Encrypter();
  encrypter.setPassphrase(passphrase);
  return encrypter.encrypt(formatSecrets(values));
}

/** Undefined when the passphrase does not open it (or it is not an age file). */
export async function decryptSecrets(data: Uint8Array, passphrase: string): Promise<Map<string, string> | undefined> {
  const decrypter = new Decrypter();
  decrypter.addPassphrase(passphrase);
  try {
    return parseSecrets(await decrypter.decrypt(data, 'text'));
  } catch {
    return undefined;
  }
}

/**
 * Never-rotate secrets whose value in the backup differs from the live store's:
 * the data restored was encrypted or signed with the backup's value, the
 * running apps use the live one. A live store that lacks a value (a lost disk)
 * is no conflict: the restore brings it back.
 */
export function keyConflicts(platform: Platform, backup: ReadonlyMap<string, string>, live: ReadonlyMap<string, string>): Finding[] {
  return allSecrets(platform)
    .filter((s) => s.policy === 'never-rotate')
    .filter((s) => backup.has(s.name) && live.has(s.name) && backup.get(s.name) !== live.get(s.name))
    .map((s) => ({
      code: 'backup.key-mismatch' as const,
      severity: 'critical' as const,
      path: `secrets.${s.name}`,
      message: `${s.name} in the backup differs from the live secrets store; it is never-rotate (${s.why}), so data restored from the backup and the running apps would disagree`,
      hint: "if the backup is right (the live key is new and guards no data worth keeping), run again with --replace-keys, which writes the backup's keys into the store; otherwise restore a backup made with the live keys",
    }));
}
