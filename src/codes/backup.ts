// Codes of `moat backup` and `moat restore` (src/deploy/backup): what makes a
// backup unusable, and what a restore refuses before it changes anything.
import type { CodeDoc } from './types.js';

export const BACKUP_CODE_DOCS = [
  {
    code: 'backup.not-a-backup',
    severity: 'high',
    title: 'The directory is not a moat backup',
    help: 'It has no manifest.json, or the manifest is not one moat writes (its kind and version fields). Point moat restore at a directory written by moat backup.',
  },
  {
    code: 'backup.bad-manifest',
    severity: 'high',
    title: 'The backup manifest is malformed',
    help: 'A field of manifest.json is missing, has the wrong type, or is unknown. Nothing was restored. The backup may be damaged or written by hand: restore another one.',
  },
  {
    code: 'backup.wrong-project',
    severity: 'high',
    title: 'The backup belongs to another platform project',
    help: "The manifest names another project than the platform moat.yaml describes; restoring it would put one platform's data into another. Use the moat.yaml of that project (-c), or another backup.",
  },
  {
    code: 'backup.unknown-part',
    severity: 'high',
    title: 'A part names no service, database or volume of this platform',
    help: 'Every part of a backup belongs to a service of the platform (or is the secrets store or the bundle). A part for a service the platform lacks cannot be restored anywhere; one named by --only that the backup lacks is a typo. Enable the service, or leave the part out.',
  },
  {
    code: 'backup.unsafe-path',
    severity: 'critical',
    title: "A part's file path points outside the backup",
    help: "moat derives each part's file from its name and kind; a manifest naming another file (an absolute path, `..`, a symbolic link) is refused, so a restore never reads or writes outside the backup and the target it restores.",
  },
  {
    code: 'backup.missing-file',
    severity: 'high',
    title: "A part's file is missing",
    help: 'The manifest lists a part whose file is not in the backup directory. The backup was copied incompletely: copy it again, or restore another one.',
  },
  {
    code: 'backup.size-mismatch',
    severity: 'critical',
    title: "A part's file has another size than the manifest says",
    help: 'The file was truncated (an interrupted copy, a full disk) or changed after the backup. Nothing was restored: restore another backup.',
  },
  {
    code: 'backup.checksum-mismatch',
    severity: 'critical',
    title: "A part's sha256 differs from the manifest",
    help: "The part's bytes changed after the backup was written (damage or tampering). moat checks every part before it restores any, so nothing was restored.",
  },
  {
    code: 'backup.hostile-archive',
    severity: 'critical',
    title: 'A volume archive holds an entry moat will not extract',
    help: 'An entry is a symbolic or hard link, a device, an absolute path or has a `..` component: extracting it could write outside the volume. moat restores regular files and directories only.',
  },
  {
    code: 'backup.incomplete-part',
    severity: 'high',
    title: 'The backup lacks a part that was asked for',
    help: "The backup is marked incomplete and the part failed when it was made (the manifest's missing list says why). Restore the other parts with --only, or another backup.",
  },
  {
    code: 'backup.wrong-passphrase',
    severity: 'high',
    title: 'The passphrase does not open the secrets part',
    help: 'The secrets store in a backup is age-encrypted with the passphrase given to moat backup. Give that passphrase (--passphrase-file FILE, stdin, or --passphrase-env NAME).',
  },
  {
    code: 'backup.no-passphrase',
    severity: 'high',
    title: 'No passphrase for the secrets part',
    help: 'A backup encrypts the secrets store, and a restore needs it to compare never-rotate keys. Give it with --passphrase-file FILE, --passphrase-env NAME, or on stdin; never on the command line, where ps and shell history show it.',
  },
  {
    code: 'backup.key-mismatch',
    severity: 'critical',
    title: 'A never-rotate key in the backup differs from the live store',
    help: "Data in the backup was encrypted or signed with the backup's key (n8n's encryption key, Dify's SECRET_KEY, AnythingLLM's SIG_KEY...), the running apps use the live one. Restoring without the key makes that data unreadable. --replace-keys writes the backup's keys into the store, when the backup is the one to keep.",
  },
  {
    code: 'backup.invalid-option',
    severity: 'high',
    title: 'A backup or restore option is not usable',
    help: 'For example --keep must be a whole number of at least 1, and --to a directory moat may write. The message says which option.',
  },
] as const satisfies readonly CodeDoc[];
