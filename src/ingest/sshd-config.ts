// sshd_config (and its drop-ins, /etc/ssh/sshd_config.d/*.conf) into the host
// listeners of sshd. From sshd_config(5), OpenSSH 9.x:
// - keywords are case-insensitive, `Keyword value` or `Keyword=value`;
// - `Port` may repeat (default 22); `ListenAddress` may repeat, as `addr`,
//   `addr:port`, `[addr]:port` (plus `rdomain NAME`); an address without a port
//   gets every Port; without ListenAddress sshd listens on every address of the
//   families `AddressFamily` allows (default any);
// - Port and ListenAddress are not allowed inside `Match` blocks, which run to
//   the next Match (or the end of the file), so Match blocks are skipped here.
// Port and ListenAddress accumulate across the main file and its drop-ins, so
// a set of files is read as their union (`ingestSshdConfigs`).
import { isIP } from 'node:net';
import type { Listener, Origin } from '../analyze/state.js';
import type { Finding } from '../model/findings.js';
import { type Artifact, artifactProblem, type IngestContext, type Ingester, type IngestResult } from './types.js';

export const SSHD_FINDING_DOCS = [
  {
    code: 'ingest.sshd.bad-port',
    title: 'A Port or ListenAddress of sshd_config cannot be read',
    help: 'The value is not a port number (1-65535) or an address sshd accepts. sshd itself would refuse to start with it; moat cannot say where sshd listens, so it counts every address.',
    severity: 'medium',
  },
  {
    code: 'ingest.sshd.unresolved-address',
    title: 'sshd listens on a host name',
    help: '`ListenAddress` names a host (not an address); what it resolves to is not in the file, so moat counts every address. Write the address instead.',
    severity: 'low',
  },
  {
    code: 'ingest.sshd.unfollowed-include',
    title: 'sshd_config includes files that were not given',
    help: 'The file has an `Include` (Debian and Ubuntu include /etc/ssh/sshd_config.d/*.conf first), and no drop-in was given with it. A drop-in may add ports; pass the directory too (`moat audit /etc/ssh`), or use `moat audit --live`.',
    severity: 'info',
  },
] as const;

// sshd_config(5) keywords (OpenSSH 9.x); `Host` is ssh_config's, never sshd's.
const KEYWORDS = new Set(
  (
    'acceptenv addressfamily allowagentforwarding allowgroups allowstreamlocalforwarding allowtcpforwarding allowusers authenticationmethods ' +
    'authorizedkeyscommand authorizedkeyscommanduser authorizedkeysfile authorizedprincipalscommand authorizedprincipalscommanduser ' +
    'authorizedprincipalsfile banner casignaturealgorithms channeltimeout chrootdirectory ciphers clientalivecountmax clientaliveinterval ' +
    'compression denygroups denyusers disableforwarding exposeauthinfo fingerprinthash forcecommand gatewayports gssapiauthentication ' +
    'gssapicleanupcredentials gssapikeyexchange gssapistrictacceptorcheck gssapistorecredentialsonrekey hostbasedacceptedalgorithms ' +
    'hostbasedauthentication hostbasedusesnamefrompacketonly hostcertificate hostkey hostkeyagent hostkeyalgorithms ignorerhosts ' +
    'ignoreuserknownhosts include ipqos kbdinteractiveauthentication kerberosauthentication kerberosgetafstoken kerberosorlocalpasswd ' +
    'kerberosticketcleanup kexalgorithms listenaddress logingracetime loglevel logverbose macs match maxauthtries maxsessions maxstartups ' +
    'moduliFile passwordauthentication permitemptypasswords permitlisten permitopen permitrootlogin permittty permittunnel permituserenvironment ' +
    'permituserrc perSourceMaxStartups persourcenetblocksize pidfile port printlastlog printmotd pubkeyacceptedalgorithms pubkeyauthoptions ' +
    'pubkeyauthentication rekeylimit requiredrsasize revokedkeys rdomain securitykeyprovider setenv streamlocalbindmask streamlocalbindunlink ' +
    'strictmodes subsystem syslogfacility tcpkeepalive trustedusercakeys unusedconnectiontimeout usedns usepam versionaddendum x11displayoffset ' +
    'x11forwarding x11uselocalhost xauthlocation challengeresponseauthentication protocol useprivilegeseparation ' +
    'keyregenerationinterval serverkeybits rsaauthentication rhostsrsaauthentication debianbanner'
  )
    .toLowerCase()
    .split(/\s+/),
);

interface Directive {
  readonly keyword: string;
  readonly args: string[];
  readonly origin: Origin;
}

/** The active directives outside Match blocks. */
function directives(artifact: Artifact): Directive[] {
  const out: Directive[] = [];
  let inMatch = false;
  artifact.text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([A-Za-z0-9]+)\s*(?:=\s*|\s+)(.*)$/.exec(line) ?? /^([A-Za-z0-9]+)$/.exec(line);
    if (!m?.[1]) return;
    const keyword = m[1].toLowerCase();
    if (keyword === 'match') inMatch = true;
    if (inMatch) return;
    const args = (m[2] ?? '').match(/"[^"]*"|\S+/g)?.map((a) => a.replace(/^"|"$/g, '')) ?? [];
    out.push({ keyword, args, origin: { file: artifact.file, line: i + 1, key: m[1] } });
  });
  return out;
}

function detect(artifact: Artifact): boolean {
  const active = artifact.text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (active.length === 0) return /^#.*\bsshd(_config)?\b/m.test(artifact.text);
  const words = active.map((l) => (/^([A-Za-z0-9]+)/.exec(l)?.[1] ?? '').toLowerCase());
  return !words.includes('host') && words.every((w) => KEYWORDS.has(w));
}

const port = (raw: string | undefined): number | undefined => {
  const n = Number(raw);
  return raw !== undefined && /^\d+$/.test(raw) && n >= 1 && n <= 65535 ? n : undefined;
};

/** `addr`, `addr:port`, `[addr]:port`, `[addr]`; the address as written and the port if given. */
function listenAddress(raw: string): { host: string; port?: string } {
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(raw);
  if (bracket?.[1]) return bracket[2] === undefined ? { host: bracket[1] } : { host: bracket[1], port: bracket[2] };
  const colons = raw.split(':').length - 1;
  if (colons === 1) {
    const [host = '', p = ''] = raw.split(':');
    return { host, port: p };
  }
  return { host: raw };
}

/** The main file and its drop-ins (any order), read as one sshd configuration. */
export function ingestSshdConfigs(artifacts: readonly Artifact[], _context: IngestContext = {}): IngestResult {
  const problems: Finding[] = [];
  const all = artifacts.flatMap(directives);
  const ports: { port: number; origin: Origin }[] = [];
  const addresses: { host: string; port?: number; origin: Origin }[] = [];
  let family: 'any' | 'inet' | 'inet6' | undefined;
  const bad = (d: Directive, what: string) =>
    problems.push(
      artifactProblem(
        'ingest.sshd.bad-port',
        'medium',
        d.origin,
        `${d.origin.key} ${d.args.join(' ')}: ${what}; sshd would not start with it, and moat counts every address and port 22`,
        'write a port number (1-65535), or ListenAddress ADDR[:PORT]',
      ),
    );
  for (const d of all) {
    if (d.keyword === 'port') {
      const p = port(d.args[0]);
      if (p === undefined) bad(d, 'not a port');
      else ports.push({ port: p, origin: d.origin });
    } else if (d.keyword === 'listenaddress') {
      const la = listenAddress(d.args[0] ?? '');
      const p = la.port === undefined ? undefined : port(la.port);
      if (la.host === '' || (la.port !== undefined && p === undefined)) bad(d, 'not an address sshd accepts');
      else addresses.push({ host: la.host, ...(p === undefined ? {} : { port: p }), origin: d.origin });
    } else if (d.keyword === 'addressfamily') {
      const f = (d.args[0] ?? '').toLowerCase();
      const value = f === 'inet' || f === 'inet6' ? f : 'any';
      // The first value wins in sshd; files given in another order than sshd reads them may disagree: then both.
      family = family === undefined || family === value ? value : 'any';
    } else if (d.keyword === 'include' && artifacts.length === 1) {
      problems.push(
        artifactProblem(
          'ingest.sshd.unfollowed-include',
          'info',
          d.origin,
          `${d.origin.file} includes ${d.args.join(' ')}, which was not given; a drop-in may add ports`,
          'pass /etc/ssh (the directory) or use `moat audit --live`',
        ),
      );
    }
  }
  const listeners: Listener[] = [];
  const defaultPorts = ports.length > 0 ? ports : [{ port: 22, origin: all[0]?.origin ?? { file: artifacts[0]?.file ?? 'sshd_config', line: 1 } }];
  const wildcards = (family ?? 'any') === 'inet' ? ['0.0.0.0'] : family === 'inet6' ? ['::'] : ['0.0.0.0', '::'];
  const push = (address: string, p: number, origin: Origin) => listeners.push({ kind: 'host', owner: 'sshd', address, port: p, protocol: 'tcp', origin });
  if (addresses.length === 0 || problems.some((p) => p.code === 'ingest.sshd.bad-port')) {
    for (const p of defaultPorts) for (const a of wildcards) push(a, p.port, p.origin);
  }
  for (const a of addresses) {
    let hosts = [a.host];
    if (isIP(a.host) === 0) {
      problems.push(
        artifactProblem(
          'ingest.sshd.unresolved-address',
          'low',
          a.origin,
          `ListenAddress ${a.host} is a host name; moat counts every address`,
          'write the address instead of the name',
        ),
      );
      hosts = wildcards;
    }
    for (const h of hosts) {
      if (a.port !== undefined) push(h, a.port, a.origin);
      else for (const p of defaultPorts) push(h, p.port, a.origin);
    }
  }
  return { kind: 'sshd-config', fragment: { sockets: listeners }, problems };
}

export const sshdConfigIngester: Ingester = {
  kind: 'sshd-config',
  detect,
  ingest: (artifact, context) => ingestSshdConfigs([artifact], context),
};
