// The backup module's surface: `moat backup`, `moat restore`, and `moat
// upgrade` (which backs up first) call these with a BackupTarget.
export { createBackup } from './create.js';
export type { BackupOptions, BackupResult } from './create.js';
export { restoreBackup } from './restore.js';
export type { RestoreOptions, RestoreResult } from './restore.js';
export type { BackupTarget, StartFailure, TargetExecIo, TargetExecResult } from './target.js';
export type { Manifest, Part } from './manifest.js';
export { MANIFEST_FILE } from './manifest.js';
export { listBackups } from './retention.js';
export { engineBackupTarget } from './engine-target.js';
