// credentialRefusedHint on the messages rclone's drive backend gave (Debian's 1.60.1) when the Google stub of
// google-stub.test.ts refused a revoked refresh token and an unknown service-account key, and on failures that are
// not about the credential.
import { describe, expect, it } from 'vitest';
import { credentialRefusedHint } from '../../../src/deploy/drive/refused.js';

const ROOT = `couldn't find root directory ID: Get "https://www.googleapis.com/drive/v3/files/root?alt=json&fields=id&prettyPrint=false&supportsAllDrives=true": `;

describe('credentialRefusedHint', () => {
  it('names `moat drive connect` for a revoked refresh token and for a key Google does not know', () => {
    const revoked = `${ROOT}couldn't fetch token - maybe it has expired? - refresh with "rclone config reconnect gdrive:": oauth2: cannot fetch token: 400 Bad Request\nResponse: {"error":"invalid_grant","error_description":"Token has been expired or revoked."}`;
    const badKey = `${ROOT}oauth2: cannot fetch token: 400 Bad Request\nResponse: {"error":"invalid_grant","error_description":"Invalid JWT Signature."}`;
    for (const error of [revoked, badKey]) expect(credentialRefusedHint(error)).toMatch(/^Google refused the Drive credential .*`moat drive connect` again/);
  });

  it('says nothing for other failures', () => {
    const unreachable = `${ROOT}couldn't fetch token - maybe it has expired? - refresh with "rclone config reconnect gdrive:": Post "https://oauth2.googleapis.com/token": tls: failed to verify certificate: x509: certificate signed by unknown authority`;
    const googleDown = `${ROOT}oauth2: cannot fetch token: 503 Service Unavailable\nResponse: {"error":"backendError"}`;
    for (const error of [
      undefined,
      'unexpected EOF',
      `${ROOT}dial tcp 127.0.0.1:443: connect: connection refused`,
      unreachable,
      googleDown,
      'directory not found',
    ])
      expect(credentialRefusedHint(error)).toBeUndefined();
  });
});
