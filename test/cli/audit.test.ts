// `moat audit PATH...` end to end through main(): a deployment moat did not
// make (fixtures under audit-fixtures/), and the bundle `moat plan` writes,
// read back as files and compared with `moat check`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runMoat } from '../support/run-moat.js';

const fixtures = fileURLToPath(new URL('./audit-fixtures/', import.meta.url));
const fixture = (...parts: string[]) => join(fixtures, ...parts);
const tmp = mkdtempSync(join(tmpdir(), 'moat-audit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Row {
  zone: string;
  address: string;
  port: number;
  portEnd?: number;
  protocol: string;
  via: string;
  verdict: string;
  service?: string;
  assumed?: boolean;
  route?: { path: string; origin: number };
}
interface AuditJson {
  findings: { code: string; severity: string; message: string; hint: string; path: string; location: { file: string; line: number } | null }[];
  matrix: Row[];
  missing: { layer: string; pass: string }[];
  artifacts: { file: string; kind?: string; included?: boolean }[];
}

const audit = async (...args: string[]) => {
  const r = await runMoat('audit', ...args);
  return { ...r, json: () => JSON.parse(r.out) as AuditJson };
};

const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];

describe('moat audit of a compose file', () => {
  it('exits 1 for postgres published on [::]:5432, located at the port entry (line 9), and names the missing layers', async () => {
    const file = fixture('exposed', 'compose.yaml');
    const r = await audit(file, '--format', 'json');
    expect(r.code).toBe(1);
    const report = r.json();
    const db = report.findings.find((f) => f.code.startsWith('exposure.') && f.message.includes('db on [::]:5432/tcp'));
    expect(db).toBeDefined();
    expect(['high', 'critical']).toContain(db?.severity);
    expect(db?.location).toEqual(expect.objectContaining({ file, line: 9 }));
    // postgres is platform-only because of its image, not its name (`db`): from the internet that is critical.
    expect(db?.severity).toBe('critical');
    expect(report.missing.map((m) => m.layer)).toEqual(['cloud', 'firewall', 'sockets', 'tailnet', 'gateway']);
    expect(report.artifacts).toEqual([{ file, kind: 'compose' }]);
  });

  it('on 127.0.0.1:5432 reports no exposure of db to the internet or the tailnet (only the host-zone finding: a platform-only service with a host port)', async () => {
    const file = fixture('loopback', 'compose.yaml');
    const r = await audit(file, '--format', 'json');
    const report = r.json();
    expect(report.findings.filter((f) => /^(internet|admin|tailnet)\b.*db on/.test(f.message))).toEqual([]);
    expect(report.matrix.filter((m) => m.service === 'db' && m.verdict === 'open' && ['internet', 'tailnet', 'admin'].includes(m.zone))).toEqual([]);
    // The analyzer's rule for platform-only services (the reference: "Docker network only")
    // still reports the loopback publication, from the host zone, at its line.
    const local = report.findings.filter((f) => f.message.includes('db on'));
    expect(local.map((f) => [f.code, f.severity, f.location?.line, f.message.split(' reaches')[0]])).toEqual([['exposure.unexpected-open', 'high', 8, 'host']]);
    expect(report.findings.filter((f) => f !== local[0]).every((f) => !SEVERITIES.slice(3).includes(f.severity))).toBe(true);
    expect(r.code).toBe(1);
  });

  it('keeps the JSON contract: code, severity, message, hint and location { file, line } on every finding', async () => {
    const report = (await audit(fixture('exposed'), '--format', 'json')).json();
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) {
      expect(f.code).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
      expect(SEVERITIES).toContain(f.severity);
      expect(typeof f.message).toBe('string');
      expect(f.hint.length).toBeGreaterThan(0);
      expect(f).toHaveProperty('location');
      if (f.location !== null) {
        expect(typeof f.location.file).toBe('string');
        expect(Number.isInteger(f.location.line) && f.location.line >= 1).toBe(true);
      }
    }
    expect(Array.isArray(report.matrix) && Array.isArray(report.missing) && Array.isArray(report.artifacts)).toBe(true);
  });

  it('renders the same findings as SARIF results with a region at the line', async () => {
    const file = fixture('exposed', 'compose.yaml');
    const json = (await audit(file, '--format', 'json')).json();
    const r = await audit(file, '--format', 'sarif');
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out) as {
      version: string;
      runs: {
        results: { ruleId: string; level: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
      }[];
    };
    expect(log.version).toBe('2.1.0');
    const results = log.runs[0]?.results ?? [];
    expect(results.map((x) => x.ruleId)).toEqual(json.findings.map((f) => f.code));
    const db = results.find((x) => x.ruleId === 'exposure.unexpected-open');
    expect(db?.level).toBe('error');
    expect(db?.locations[0]?.physicalLocation).toEqual({ artifactLocation: { uri: file }, region: { startLine: 9, startColumn: 1 } });
  });

  it('prints, as text, each artifact with its kind, the layers not given and what to pass for each', async () => {
    const r = await audit('test/cli/audit-fixtures/exposed');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/test\/cli\/audit-fixtures\/exposed\/compose\.yaml\s+compose\n/);
    expect(r.out).toContain('Layers not given (counted as open):');
    for (const layer of ['cloud', 'firewall', 'sockets', 'tailnet', 'gateway']) expect(r.out).toMatch(new RegExp(`\\n  ${layer}: pass `));
    expect(r.out).not.toMatch(/\n {2}publishing: pass /);
    expect(r.out).toMatch(/test\/cli\/audit-fixtures\/exposed\/compose\.yaml:9:1: critical: .*db on \[::\]:5432\/tcp/);
    expect(r.out).toContain('FAIL: 1 finding at or above high.');
  });

  it('prints the text report of the exposed fixture as its golden file (MOAT_UPDATE_GOLDEN=1 rewrites it)', async () => {
    const golden = fixture('exposed.golden.txt');
    const r = await audit('test/cli/audit-fixtures/exposed');
    if (process.env['MOAT_UPDATE_GOLDEN'] === '1') writeFileSync(golden, r.out);
    expect(r.out).toBe(readFileSync(golden, 'utf8'));
  });

  it('--fail-on critical still fails on the critical db; --fail-on is validated', async () => {
    expect((await audit(fixture('exposed'), '--fail-on', 'critical', '--format', 'json')).code).toBe(1);
    expect((await audit(fixture('loopback'), '--fail-on', 'critical', '--format', 'json')).code).toBe(0);
    expect((await audit(fixture('exposed'), '--fail-on', 'bogus')).code).toBe(2);
  });
});

describe('moat audit of a directory', () => {
  it('reads nginx.conf with its conf.d/*.conf include and locates the route in the included file', async () => {
    const dir = fixture('nginx-dir');
    const r = await audit(dir, '--tailscale-address', '100.64.0.10', '--format', 'json');
    const report = r.json();
    expect(report.artifacts).toEqual([
      { file: join(dir, 'compose.yaml'), kind: 'compose' },
      { file: join(dir, 'nginx.conf'), kind: 'nginx' },
      { file: join(dir, 'conf.d/gateway.conf'), kind: 'nginx', included: true },
    ]);
    expect(report.missing.map((m) => m.layer)).not.toContain('gateway');
    // The route to ollama (platform-only by its image) is found only by reading the include.
    const route = report.findings.find((f) => f.code === 'exposure.unexpected-open' && f.message.includes('ollama'));
    expect(route?.location).toEqual(expect.objectContaining({ file: join(dir, 'conf.d/gateway.conf'), line: 4 }));
    expect(report.findings.some((f) => f.code.startsWith('ingest.nginx.include'))).toBe(false);
    // 9443 is the gateway's TLS port (from nginx's `listen 9443 ssl`): the tailnet may reach it.
    expect(report.findings.some((f) => f.message.includes('reaches gateway on'))).toBe(false);
    expect(report.matrix.some((m) => m.zone === 'tailnet' && m.service === 'gateway' && m.port === 9443 && m.verdict === 'open')).toBe(true);
    expect(r.code).toBe(1);
  });

  it('never reads an include outside the paths it was given (../ or a symbolic link out of the tree)', async () => {
    const dir = join(tmp, 'escape');
    mkdirSync(join(dir, 'conf.d'), { recursive: true });
    writeFileSync(join(tmp, 'outside.conf'), 'server { listen 7777; location / { proxy_pass http://db:5432; } }\n');
    symlinkSync(join(tmp, 'outside.conf'), join(dir, 'conf.d', 'linked.conf'));
    writeFileSync(join(dir, 'nginx.conf'), 'events {}\nhttp {\n    include ../outside.conf;\n    include conf.d/*.conf;\n}\n');
    const report = (await audit(dir, '--format', 'json')).json();
    const unreadable = report.findings.filter((f) => f.code === 'ingest.nginx.include-unreadable');
    expect(unreadable.map((f) => f.location?.line).sort()).toEqual([3, 4]);
    expect(report.artifacts.map((a) => a.file)).toEqual([join(dir, 'nginx.conf')]);
    expect(report.matrix.some((m) => m.port === 7777)).toBe(false);
  });

  it('reports unreadable and unknown files as located findings, and goes on with the rest', async () => {
    const missing = join(tmp, 'no-such-file.yaml');
    const notes = fixture('unknown', 'notes.txt');
    const r = await audit(missing, notes, fixture('exposed', 'compose.yaml'), '--format', 'json');
    const report = r.json();
    expect(report.findings.find((f) => f.code === 'ingest.collect.unreadable')?.location).toEqual(expect.objectContaining({ file: missing, line: 1 }));
    expect(report.findings.find((f) => f.code === 'ingest.unknown-format')?.location).toEqual(expect.objectContaining({ file: notes, line: 1 }));
    expect(report.findings.some((f) => f.message.includes('db on [::]:5432/tcp'))).toBe(true);
    expect(report.artifacts).toContainEqual({ file: notes });
    expect(r.code).toBe(1);
  });

  it('exits 2 on a malformed host-fact flag, naming it', async () => {
    const r = await audit(fixture('exposed'), '--admin-cidr', '203.0.113.0/99');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--admin-cidr "203.0.113.0/99" is not a CIDR or an address');
    expect((await audit(fixture('exposed'), '--tailscale-address', 'tailnet')).code).toBe(2);
  });

  it('exits 2 when no path is given, or nothing given is an artifact', async () => {
    const none = await audit();
    expect(none.code).toBe(2);
    expect(none.out).toContain('moat audit was given no path');
    const unknown = await audit(fixture('unknown'), '--format', 'json');
    expect(unknown.code).toBe(2);
    expect(
      unknown
        .json()
        .findings.map((f) => f.code)
        .sort(),
    ).toEqual(['audit.no-input', 'ingest.unknown-format']);
    const gone = await audit(join(tmp, 'gone'), '--format', 'json');
    expect(gone.code).toBe(2);
    expect(gone.json().findings.find((f) => f.code === 'ingest.collect.unreadable')?.location?.file).toBe(join(tmp, 'gone'));
    expect(gone.json().findings.find((f) => f.code === 'audit.no-input')?.message).toBe('nothing given could be read');
  });

  it('reports a non-UTF-8 file at the line of the first bad byte, and reads nothing from it', async () => {
    const file = join(tmp, 'latin1-compose.yaml');
    writeFileSync(
      file,
      Buffer.concat([Buffer.from('services:\n  db:\n    image: postgres # caf'), Buffer.from([0xe9]), Buffer.from('\n    ports: ["5432:5432"]\n')]),
    );
    const r = await audit(file, '--format', 'json');
    expect(r.code).toBe(2);
    const report = r.json();
    expect(report.findings.find((f) => f.code === 'ingest.collect.not-utf8')?.location).toEqual(expect.objectContaining({ file, line: 3 }));
    expect(report.artifacts).toEqual([]);
  });
});

describe('moat audit of the bundle moat plan writes', () => {
  const out = join(tmp, 'bundle');
  const flags = ['--tailscale-address', '100.64.0.10', '--admin-cidr', '203.0.113.10/32', '--tailnet-tag', 'tag:ai-platform'];
  const key = (r: Row) =>
    `${r.zone} ${r.address} ${r.port}${r.portEnd !== undefined ? `-${r.portEnd}` : ''}/${r.protocol} via ${r.via} ${r.service ?? ''} ${r.route?.path ?? ''}`;
  const open = (rows: readonly Row[]) =>
    rows
      .filter((r) => r.verdict === 'open')
      .map(key)
      .sort();
  /** Every field of a cell, with the bundle's file names as check prints them (audit names them under the --out directory). */
  const cell = (r: Row) => JSON.stringify(r, (k, v: unknown) => (k === 'file' && typeof v === 'string' ? v.replace(`${out}/`, '') : v));

  it("exits 0; its open cells (zone, address, port, protocol, via, service, route) equal moat check --format json's, plus only the cells assumed because no socket listing (ss) is in the bundle", async () => {
    expect((await runMoat('plan', '--out', out)).code).toBe(0);
    const r = await audit(out, ...flags, '--format', 'json');
    expect(r.code).toBe(0);
    const report = r.json();
    const check = JSON.parse((await runMoat('check', '--format', 'json')).out) as { matrix: Row[] };
    // moat check knows the bundle's host runs nothing but sshd, tailscaled and the
    // containers (socketsComplete); audit cannot know that of a directory, so the
    // sockets layer is missing and every port the filters admit may have a listener.
    expect(report.missing.map((m) => m.layer)).toEqual(['sockets']);
    const known = report.matrix.filter((m) => m.service !== 'unknown');
    expect(open(known)).toEqual(open(check.matrix));
    // Cell for cell, open and blocked, every field (verdict, deciding layer, sources, reason, where it was read).
    expect(known.map(cell).sort()).toEqual(check.matrix.map(cell).sort());
    const extra = report.matrix.filter((m) => m.service === 'unknown' && m.verdict === 'open');
    expect(extra.length).toBeGreaterThan(0);
    expect(extra.every((m) => m.via === 'host')).toBe(true);
    // From outside those assumed cells are only on the ports the policy allows.
    const outside = [...new Set(extra.filter((m) => ['internet', 'admin', 'tailnet'].includes(m.zone)).map((m) => `${m.zone} ${m.port}/${m.protocol}`))].sort();
    expect(outside).toEqual(['admin 22/tcp', 'admin 41641/udp', 'internet 41641/udp', 'tailnet 8443/tcp', 'tailnet 8444/tcp', 'tailnet 8445/tcp']);
    expect(report.findings.filter((f) => ['high', 'critical'].includes(f.severity))).toEqual([]);
    expect(report.artifacts).toEqual(
      expect.arrayContaining([
        { file: join(out, 'compose.yaml'), kind: 'compose' },
        { file: join(out, 'nginx/nginx.conf'), kind: 'nginx' },
        { file: join(out, 'firewall/nftables.json'), kind: 'nftables-json' },
        { file: join(out, 'firewall/docker-user.v4.rules'), kind: 'iptables-save' },
        { file: join(out, 'firewall/docker-user.v6.rules'), kind: 'iptables-save' },
        { file: join(out, 'aws/cloudformation.yaml'), kind: 'cloudformation' },
        { file: join(out, 'tailscale/policy.hujson'), kind: 'tailscale-policy' },
        { file: join(out, 'host/sshd-moat.conf'), kind: 'sshd-config' },
        { file: join(out, 'host/tailscaled.defaults'), kind: 'tailscaled-defaults' },
      ]),
    );
  });

  it('shows its outcome on the console of the bundle named by --out: the last audit in console/state/status.json', async () => {
    expect((await runMoat('plan', '--out', out)).code).toBe(0);
    const lastAudit = () => (JSON.parse(readFileSync(join(out, 'console/state/status.json'), 'utf8')) as { lastAudit?: unknown }).lastAudit;
    expect((await audit(out, ...flags, '--out', out)).code).toBe(0);
    expect(lastAudit()).toMatchObject({ result: 'ok', summary: 'no finding at or above high (1 path(s))' });
    // A path that cannot be read is a finding (exit 1); a file that is not UTF-8 makes the audit unusable (exit 2).
    expect((await audit(out, join(tmp, 'not-there'), ...flags, '--out', out)).code).toBe(1);
    expect(lastAudit()).toMatchObject({ result: 'findings', summary: 'findings at or above high (2 path(s))' });
    const latin1 = join(tmp, 'latin1-audit.yaml');
    writeFileSync(latin1, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expect((await audit(latin1, ...flags, '--out', out)).code).toBe(2);
    expect(lastAudit()).toMatchObject({ result: 'failed', summary: 'some inputs could not be read (1 path(s))' });
  });
});
