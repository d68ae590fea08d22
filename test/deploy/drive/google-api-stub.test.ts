// The Google stub's own checks (test/deploy/drive/google-api-stub.ts), without a network: a service-account JWT
// is refused for each documented reason (developers.google.com/identity/protocols/oauth2/service-account#httprest),
// and the q and fields parsers keep what rclone asks for and refuse what they do not understand.
import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RCLONE_DRIVE } from '../../../src/catalog/upstream/rclone-drive.js';
import { checkAssertion, parseFields, parseQuery } from './google-api-stub.js';

const EMAIL = 'sync@moat-test.iam.gserviceaccount.com';
const pair = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const account = pair();
const other = pair();
const NOW = 1_800_000_000;

function jwt(claims: Record<string, unknown>, privateKey = account.privateKey, alg = 'RS256'): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part({ alg, typ: 'JWT' })}.${part(claims)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
}
const good = { iss: EMAIL, scope: `${RCLONE_DRIVE.scopePrefix}drive.readonly`, aud: RCLONE_DRIVE.tokenUrl, iat: NOW - 10, exp: NOW + 3590 };

describe('the Google stub', () => {
  it('accepts a well-formed RS256 assertion and refuses each broken one', () => {
    const accounts = { [EMAIL]: account.publicKey };
    expect(checkAssertion(jwt(good), accounts, NOW)).toBeUndefined();
    expect(checkAssertion(jwt(good, other.privateKey), accounts, NOW)).toBe('Invalid JWT Signature.');
    expect(checkAssertion(jwt({ ...good, iss: 'someone@else' }), accounts, NOW)).toMatch(/unknown iss/);
    expect(checkAssertion(jwt({ ...good, aud: 'https://example.com/token' }), accounts, NOW)).toMatch(/aud/);
    expect(checkAssertion(jwt({ ...good, scope: `${RCLONE_DRIVE.scopePrefix}gmail.readonly` }), accounts, NOW)).toMatch(/scope/);
    expect(checkAssertion(jwt({ ...good, exp: NOW - 1 }), accounts, NOW)).toMatch(/short-lived/);
    expect(checkAssertion(jwt({ ...good, exp: good.iat + 7200 }), accounts, NOW)).toMatch(/more than an hour/);
    expect(checkAssertion(jwt(good, account.privateKey, 'HS256'), accounts, NOW)).toMatch(/RS256/);
    expect(checkAssertion('not.a-jwt', accounts, NOW)).toBeDefined();
  });

  it("parses rclone's q and fields, and refuses a q term it does not know", () => {
    const match = parseQuery(RCLONE_DRIVE.listQuery('F1'));
    const file = { id: 'a', name: 'a.txt', parent: 'F1', content: 'x', modifiedTime: '', mimeType: 'text/plain' };
    expect(match?.(file)).toBe(true);
    expect(match?.({ ...file, parent: 'F2' })).toBe(false);
    expect(parseQuery("trashed=false and ('F1' in parents) and mimeType!='application/vnd.google-apps.folder'")?.(file)).toBe(true);
    expect(parseQuery("fullText contains 'x'")).toBeUndefined();
    expect(parseFields(RCLONE_DRIVE.listFields(['id', 'name']))).toEqual({ files: { id: true, name: true }, nextPageToken: true, incompleteSearch: true });
  });
});
