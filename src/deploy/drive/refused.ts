// A sync that failed because Google refused the Drive credential, told apart
// from other failures so moat can say what to do: the token or the key is the
// problem, and `moat drive connect` is the way to replace it (rclone's own
// advice in the message, `rclone config reconnect`, needs the rclone CLI and a
// browser on the host). The shapes, as rclone's drive backend reports them
// (checked with Debian's rclone 1.60.1 against the Google stub of
// test/deploy/drive/google-stub.test.ts): Go's x/oauth2 `oauth2: cannot fetch
// token: 400 Bad Request Response: {"error":"invalid_grant",...}` (a revoked or
// expired refresh token, or a service-account JWT whose key Google does not
// know); rclone's oauthutil puts `couldn't fetch token - maybe it has
// expired?` before it, and before a transport error too. The error codes are RFC 6749 §5.2's, which Google's token endpoint
// answers (developers.google.com/identity/protocols/oauth2/web-server#offline,
// .../service-account#error-codes).
import { AUTHORIZE_COMMAND } from './connect.js';

// Only Google's answer counts, never rclone's "couldn't fetch token" alone: that prefix also wraps a token
// endpoint that could not be reached (DNS, TLS, a proxy), where a new credential would not help.
const REFUSED = /oauth2: cannot fetch token: 40[013]|"error"\s*:\s*"(?:invalid_grant|invalid_client|unauthorized_client)"/;

/** What to do when `error` says Google refused the credential; undefined for any other failure. */
export function credentialRefusedHint(error: string | undefined): string | undefined {
  if (error === undefined || !REFUSED.test(error)) return undefined;
  return `Google refused the Drive credential (revoked, expired, or a key Google no longer knows): \`moat drive connect\` again, with a new token of \`${AUTHORIZE_COMMAND}\` or a new service-account key`;
}
