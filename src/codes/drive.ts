// Codes of `moat drive` and `moat knowledge` (src/deploy/drive, src/deploy/knowledge).
import type { CodeDoc } from './types.js';

export const DRIVE_CODE_DOCS = [
  {
    code: 'deploy.drive.bad-credential',
    severity: 'high',
    title: 'The Drive credential is not one rclone can use',
    help: '`moat drive connect` was given a file or input that is not a Google service-account key (JSON with type service_account, client_email and private_key) or an OAuth token printed by `rclone authorize "drive"` (JSON with a refresh_token). Nothing was stored or sent. Make a key in the Cloud console, or run the authorize command the hint shows on a machine with a browser.',
  },
  {
    code: 'deploy.drive.bad-option',
    severity: 'high',
    title: 'A `moat drive` option has a value moat cannot use',
    help: 'An option such as --root-folder-id or --scope has a value outside what Drive accepts (a folder id is the last part of the folder URL; scopes are drive.readonly, drive, drive.file). Nothing was changed.',
  },
  {
    code: 'deploy.drive.credential-source',
    severity: 'high',
    title: 'No credential, or two, for `moat drive connect`',
    help: 'Give exactly one of --service-account FILE, --token-file FILE, or the token on standard input. A credential never goes on the command line itself, where `ps` and shell history would keep it.',
  },
  {
    code: 'deploy.drive.bad-state',
    severity: 'high',
    title: 'A moat state file is not one moat wrote',
    help: "drive-state.json or knowledge-state.json beside the secrets store does not parse as moat's state. It is not half-read: move it away and moat starts a new one (the next knowledge sync then uploads every file again, and the old copies stay in AnythingLLM until removed there).",
  },
] as const satisfies readonly CodeDoc[];
