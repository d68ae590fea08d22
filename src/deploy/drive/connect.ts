// `moat drive connect`: a Drive remote in the gdrive service's rclone, created
// over rc (`config/create`), from a Google service-account key or an OAuth
// token made by `rclone authorize "drive"` on a machine with a browser. The
// credential is parsed and checked here, kept in moat's secrets store (so the
// remote can be made again after the gdrive-config volume is lost), and sent
// only in the body of one authenticated rc call: it never reaches argv,
// compose.yaml or a log line. rclone writes it into rclone.conf on the
// gdrive-config volume and refreshes the token there itself.
// rclone facts (v1.75.0, checked in the source; the same in Debian's 1.60.1):
// - config/create takes {name, type, parameters, opt}; opt.nonInteractive makes
//   it answer a question it would ask as `{State, Option}` instead of taking a
//   default; a finished configuration answers State "" (fs/config/rc.go,
//   fs/config/config.go updateRemote, fs/backend_config.go BackendConfig).
// - A parameter named like a question answers it (backendConfigStep: "Override
//   value found"), and `config_*` parameters are ephemeral, never written to
//   rclone.conf (fs.ConfigKeyEphemeralPrefix). Drive asks, in order:
//   config_shared_client_id (1.75 warns that rclone's shared client id is being
//   retired; default No, which would then ask for a client id: moat answers
//   yes, which is what a token from a plain `rclone authorize "drive"` was made
//   with), config_refresh_token (a token is already there: replace it? default
//   Yes, which would start a browser flow: moat answers no) and
//   config_change_team_drive (default No). backend/drive/drive.go Config,
//   lib/oauthutil/oauthutil.go ConfigOAuth and SharedClientIDConfigConfirm.
// - updateRemote refuses a key or value holding \n or \r: a service-account
//   file is re-serialized compactly (its private key's newlines are JSON `\n`
//   escapes, not raw newlines).
// - `rclone authorize "drive" BLOB` takes the remote's non-default options as
//   base64 (RawStdEncoding) JSON (fs/config/configmap Encode/Decode): moat's
//   hint passes {"scope":"drive.readonly"} so the token only reads.
// Sources: https://rclone.org/rc/#config-create, https://rclone.org/drive/,
// https://rclone.org/remote_setup/, https://github.com/rclone/rclone/blob/v1.75.0/fs/config/rc.go,
// https://github.com/rclone/rclone/blob/v1.75.0/backend/drive/drive.go
import { UserInputError } from '../../model/findings.js';
import { withoutValues } from '../redact.js';
import type { RcClient } from './rc.js';
import { RcError } from './rc.js';

/** The remote's name in rclone.conf. */
export const DRIVE_REMOTE = 'gdrive';
/** Secrets-store names of the two credentials (one of them is set). */
export const DRIVE_SERVICE_ACCOUNT_SECRET = 'DRIVE_SERVICE_ACCOUNT_JSON';
export const DRIVE_TOKEN_SECRET = 'DRIVE_OAUTH_TOKEN';

export const DRIVE_SCOPES = ['drive.readonly', 'drive', 'drive.file'] as const;
export type DriveScope = (typeof DRIVE_SCOPES)[number];

export type DriveCredential =
  | { readonly kind: 'service-account'; readonly json: string; readonly clientEmail: string }
  | { readonly kind: 'token'; readonly json: string };

export interface DriveOptions {
  readonly scope: DriveScope;
  readonly rootFolderId?: string;
}

/** The command that makes a read-only token on a machine with a browser. */
export const AUTHORIZE_COMMAND = `rclone authorize "drive" "${Buffer.from('{"scope":"drive.readonly"}').toString('base64').replace(/=+$/, '')}"`;

function bad(path: string, message: string, hint: string): UserInputError {
  return new UserInputError([{ code: 'deploy.drive.bad-credential', severity: 'high', path, message, hint }]);
}

function parseObject(text: string, where: string, what: string, hint: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad(where, `${where} is not JSON (${what} expected)`, hint);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad(where, `${where} is not a JSON object (${what} expected)`, hint);
  return parsed as Record<string, unknown>;
}

/** A Google service-account key file (the JSON the Cloud console downloads). */
export function parseServiceAccount(text: string, where: string): DriveCredential {
  const hint = 'download a key for the service account (IAM → Service accounts → Keys → Add key → JSON) and share the Drive folder with its client_email';
  const key = parseObject(text, where, 'a service-account key', hint);
  if (key['type'] !== 'service_account') throw bad(where, `${where} is not a service-account key (its "type" is not "service_account")`, hint);
  const clientEmail = key['client_email'];
  if (typeof clientEmail !== 'string' || typeof key['private_key'] !== 'string' || !key['private_key'].includes('PRIVATE KEY')) {
    throw bad(where, `${where} lacks client_email or private_key`, hint);
  }
  return { kind: 'service-account', json: JSON.stringify(key), clientEmail };
}

/**
 * The token `rclone authorize` prints. The whole paste is accepted (its
 * "Paste the following into your remote machine --->" and "<---End paste"
 * lines around the JSON are dropped).
 */
export function parseToken(text: string, where: string): DriveCredential {
  const hint = `run \`${AUTHORIZE_COMMAND}\` on a machine with a browser and paste what it prints (on standard input, or in a file given to --token-file)`;
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) throw bad(where, `${where} holds no JSON token`, hint);
  const token = parseObject(text.slice(start, end + 1), where, 'an OAuth token', hint);
  if (typeof token['refresh_token'] !== 'string' && typeof token['access_token'] !== 'string')
    throw bad(where, `${where} has neither refresh_token nor access_token`, hint);
  if (typeof token['refresh_token'] !== 'string')
    throw bad(where, `${where} has no refresh_token: the access token expires within the hour and rclone could not renew it`, hint);
  return { kind: 'token', json: JSON.stringify(token) };
}

/** rclone's parameters for a Drive remote (the credential inside: never print this). */
export function driveParameters(credential: DriveCredential, options: DriveOptions): Record<string, string> {
  if (options.rootFolderId !== undefined && !/^[A-Za-z0-9_-]{1,200}$/.test(options.rootFolderId)) {
    throw new UserInputError([
      {
        code: 'deploy.drive.bad-option',
        severity: 'high',
        path: '--root-folder-id',
        message: `--root-folder-id ${JSON.stringify(options.rootFolderId)} is not a Drive folder id`,
        hint: 'the id is the last part of the folder URL: https://drive.google.com/drive/folders/<id>',
      },
    ]);
  }
  return {
    scope: options.scope,
    ...(credential.kind === 'service-account'
      ? { service_account_credentials: credential.json }
      : { token: credential.json, config_shared_client_id: 'true', config_refresh_token: 'false' }),
    ...(options.rootFolderId === undefined ? {} : { root_folder_id: options.rootFolderId }),
    config_change_team_drive: 'false',
  };
}

interface ConfigOut {
  readonly State?: string;
  readonly Option?: { readonly Name?: string; readonly Help?: string } | null;
  readonly Error?: string;
}

/** Creates (or replaces) a remote over rc, refusing to leave one that still waits on a question. */
export async function connectRemote(
  rc: RcClient,
  remote: { readonly name: string; readonly type: string; readonly parameters: Record<string, string> },
): Promise<void> {
  let out: ConfigOut;
  try {
    out = await rc.call<ConfigOut>('config/create', {
      name: remote.name,
      type: remote.type,
      parameters: remote.parameters,
      opt: { nonInteractive: true, obscure: false },
    });
  } catch (error) {
    // rclone's message may quote a value it could not parse (the token, the key): never let it through.
    if (error instanceof RcError) throw new RcError(error.command, error.status, redact(error.reason, Object.values(remote.parameters)));
    throw error;
  }
  if (out.Error) throw new RcError('config/create', 200, `rclone refused the ${remote.type} configuration: ${out.Error}`);
  if (out.State !== undefined && out.State !== '') {
    await rc.call('config/delete', { name: remote.name }).catch(() => undefined);
    throw new RcError(
      'config/create',
      200,
      `rclone still asks ${out.Option?.Name ?? 'a question'} (${(out.Option?.Help ?? '').split('\n')[0]}); the remote was removed again: this is a bug in moat if it happens with a token from \`rclone authorize\``,
    );
  }
}

/** Replaces every long parameter value (and every JSON string inside one) in a message. */
export function redact(message: string, values: readonly string[]): string {
  const secrets = new Set<string>();
  for (const value of values) {
    secrets.add(value);
    for (const match of value.matchAll(/"((?:[^"\\]|\\.){8,})"/g)) secrets.add(match[1] ?? '');
  }
  return withoutValues(
    message,
    [...secrets].filter((v) => v.length >= 8),
    '[redacted]',
  );
}

/** The remotes rclone knows (config/listremotes). */
export async function listRemotes(rc: RcClient): Promise<string[]> {
  const out = await rc.call<{ remotes?: unknown }>('config/listremotes');
  return Array.isArray(out.remotes) ? out.remotes.filter((r): r is string => typeof r === 'string') : [];
}
