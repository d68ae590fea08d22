// The backup module's surface: `moat backup`, `moat restore`, and `moat
// upgrade` (which backs up first) call these with a BackupTarget.
export { createBackup } from './create.js';
export { engineBackupTarget } from './engine-target.js';
export { restoreBackup } from './restore.js';
export type { BackupTarget } from './target.js';
