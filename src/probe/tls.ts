// TLS inspection of the gateway: which protocol versions a handshake succeeds
// with (one handshake per version, pinned min = max), and the certificate's
// expiry and names. Certificates are inspected, not trusted: a tailnet
// certificate is often not in the prober's store, and that is not the point.
import tls from 'node:tls';

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

export interface CertificateInfo {
  readonly subject: string;
  /** DNS names and IP addresses from subjectAltName. */
  readonly names: readonly string[];
  readonly validTo: string;
  readonly daysLeft: number;
}

export interface TlsReport {
  readonly accepted: readonly TlsVersion[];
  readonly certificate?: CertificateInfo;
  readonly error?: string;
}

interface Handshake {
  readonly ok: boolean;
  readonly certificate?: CertificateInfo;
  readonly error?: string;
}

function handshake(host: string, port: number, version: TlsVersion, servername: string | undefined, timeoutMs: number, now: Date): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port,
      minVersion: version,
      maxVersion: version,
      rejectUnauthorized: false,
      // Let the client offer legacy versions so that the answer is the server's.
      ciphers: 'DEFAULT:@SECLEVEL=0',
      ...(servername ? { servername } : {}),
    });
    const timer = setTimeout(() => finish({ ok: false, error: 'timeout' }), timeoutMs);
    function finish(result: Handshake): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    }
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const certificate = cert?.valid_to ? describe(cert, now) : undefined;
      finish({ ok: socket.getProtocol() === version, ...(certificate ? { certificate } : {}) });
    });
    socket.once('error', (error) => finish({ ok: false, error: error.message }));
  });
}

function describe(cert: tls.PeerCertificate, now: Date): CertificateInfo {
  const names = (cert.subjectaltname ?? '')
    .split(',')
    .map((s) => s.trim().replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
  const validTo = new Date(cert.valid_to);
  return {
    subject: [cert.subject?.CN ?? ''].flat().join(', '),
    names,
    validTo: validTo.toISOString(),
    daysLeft: Math.floor((validTo.getTime() - now.getTime()) / 86_400_000),
  };
}

export async function inspectTls(host: string, port: number, servername?: string, timeoutMs = 3000, now = new Date()): Promise<TlsReport> {
  const accepted: TlsVersion[] = [];
  let certificate: CertificateInfo | undefined;
  let error: string | undefined;
  for (const version of TLS_VERSIONS) {
    const result = await handshake(host, port, version, servername, timeoutMs, now);
    if (result.ok) accepted.push(version);
    else error ??= result.error;
    certificate ??= result.certificate;
  }
  return { accepted, ...(certificate ? { certificate } : {}), ...(accepted.length === 0 && error ? { error } : {}) };
}

/** Does a certificate name (maybe a wildcard) cover `name`? */
export function certificateCovers(names: readonly string[], name: string): boolean {
  const wanted = name.toLowerCase();
  return names.some((n) => {
    const candidate = n.toLowerCase();
    if (candidate === wanted) return true;
    if (!candidate.startsWith('*.')) return false;
    const rest = wanted.slice(wanted.indexOf('.') + 1);
    return rest === candidate.slice(2);
  });
}
