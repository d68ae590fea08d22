// The security headers moat's gateway adds to every response, as data: the
// gateway renderer (render/gateway-nginx.ts) writes one `add_header ... always`
// per entry and the probe (probe/http.ts) checks each one on every route, so
// what is sent and what is checked cannot drift apart.
//
// No Content-Security-Policy: the apps behind the gateway use inline scripts
// and their own policies; a gateway-wide CSP would break them.

export interface SecurityHeader {
  /** As nginx writes it; HTTP header names are case-insensitive. */
  readonly name: string;
  /** The exact value the gateway sends. */
  readonly value: string;
}

export const SECURITY_HEADERS: readonly SecurityHeader[] = [
  { name: 'Strict-Transport-Security', value: 'max-age=63072000' },
  { name: 'X-Content-Type-Options', value: 'nosniff' },
  { name: 'X-Frame-Options', value: 'SAMEORIGIN' },
  { name: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
];
