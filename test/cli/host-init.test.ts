// `moat host init` against stub `tailscale`, `ip`, `bash` (the bootstrap) and
// `systemctl` executables: shell scripts on PATH that print recorded outputs
// (host-fixtures/README.md says where each comes from) and log how they were
// called. The real runner runs them; the real renderers, proof and moat.yaml
// editor do the rest. Unit tier: no root, nothing outside a moat- temp dir.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runHostInit } from '../../src/cli/commands/host.js';
import { parseDefaultRoute, parseTailscaleIp4, parseTailscaleStatus } from '../../src/cli/host-facts.js';
import { systemRunner } from '../../src/cli/host-runner.js';
import { sink } from './edit-helpers.js';

const FIXTURES = new URL('./host-fixtures/', import.meta.url).pathname;
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

const CONFIG = `# the production host
project: ai-platform
host:
  adminCidr: 198.51.100.7/32 # office
  tailscale: { address: 100.64.0.10, hostname: ai-platform } # placeholders until host init
models: [llama3.2:3b]
`;

const STUBS: Readonly<Record<string, string>> = {
  // Not up until the (stub) bootstrap brings it up, like a fresh host.
  tailscale: `#!/bin/sh
echo "tailscale $*" >> "$STATE/calls.log"
if [ ! -f "$STATE/ts-up" ]; then echo "failed to connect to local tailscaled; it doesn't appear to be running" >&2; exit 1; fi
case "$1 $2" in
  "ip -4") cat "$FIXTURES/tailscale-ip-4.txt" ;;
  "status --json") cat "$FIXTURES/tailscale-status.json" ;;
  *) exit 2 ;;
esac
`,
  ip: `#!/bin/sh
echo "ip $*" >> "$STATE/calls.log"
[ "$*" = "-j route show default" ] && exec cat "$FIXTURES/ip-route-default.ec2.json"
exit 2
`,
  // The bootstrap's own last check, as the rendered script does it: brings Tailscale up, then compares addresses.
  bash: `#!/bin/sh
echo "bash $* MOAT_BUNDLE=$MOAT_BUNDLE MOAT_CONFIG=$MOAT_CONFIG" >> "$STATE/bootstrap.log"
touch "$STATE/ts-up"
expected=$(sed -n "s/^TS_EXPECTED_IP='\\(.*\\)'$/\\1/p" "$1")
actual=$(cat "$FIXTURES/tailscale-ip-4.txt")
if [ "$expected" != "$actual" ]; then echo "moat-bootstrap: this host's Tailscale address is $actual, the bundle was rendered for $expected" >&2; exit 1; fi
`,
  systemctl: `#!/bin/sh
echo "systemctl $*" >> "$STATE/calls.log"
case "$1" in
  is-enabled) if [ -f "$STATE/enabled-$2" ]; then echo enabled; else echo disabled; exit 1; fi ;;
  enable) touch "$STATE/enabled-$2" ;;
  daemon-reload) ;;
  *) exit 2 ;;
esac
`,
};

let dir: string;
let state: string;
let runner: ReturnType<typeof systemRunner>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'moat-host-'));
  state = join(dir, 'state');
  const bin = join(dir, 'bin');
  mkdirSync(state);
  mkdirSync(bin);
  for (const [name, text] of Object.entries(STUBS)) {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(join(dir, 'moat.yaml'), CONFIG);
  // Only the stubs and the basic tools they use: no real tailscale, ip or systemctl can be reached.
  runner = systemRunner({ PATH: `${bin}:/usr/bin:/bin`, STATE: state, FIXTURES });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function init(dryRun = false) {
  const stdout = sink();
  const stderr = sink();
  const code = await runHostInit({
    configFile: join(dir, 'moat.yaml'),
    bundleDir: join(dir, 'deploy'),
    unitsDir: join(dir, 'units'),
    moat: ['/usr/local/bin/moat'],
    dryRun,
    runner,
    stdout,
    stderr,
  });
  return { code, out: stdout.text(), err: stderr.text() };
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);

describe('moat host init (stub tailscale, ip, bash, systemctl)', () => {
  it('stub: --dry-run prints every step and changes nothing', async () => {
    writeFileSync(join(state, 'ts-up'), '');
    const run = await init(true);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(
      'moat.yaml: would set host.publicInterface: eth0 -> ens5, host.tailscale.address: 100.64.0.10 -> 100.101.102.103, host.tailscale.hostname: ai-platform -> ai-host, host.tailscale.tailnet: example.ts.net -> tail1234.ts.net',
    );
    expect(run.out).toContain('bundle: would write');
    expect(run.out).toContain(
      `bootstrap: would run \`MOAT_BUNDLE=${join(dir, 'deploy')} MOAT_CONFIG=${join(dir, 'moat.yaml')} bash ${join(dir, 'deploy', 'host', 'bootstrap.sh')}\``,
    );
    expect(run.out).toContain('unit: would install');
    expect(run.out).toContain('unit: would run systemctl enable moat-platform.service');
    expect(run.out).toContain('moat host init: dry run: 5 step(s) would change something; nothing was changed');
    expect(readFileSync(join(dir, 'moat.yaml'), 'utf8')).toBe(CONFIG);
    expect(existsSync(join(dir, 'deploy'))).toBe(false);
    expect(existsSync(join(dir, 'units'))).toBe(false);
    expect(lines(join(state, 'bootstrap.log'))).toEqual([]);
    // Only read-only commands ran.
    expect(lines(join(state, 'calls.log'))).toEqual([
      'ip -j route show default',
      'tailscale ip -4',
      'tailscale status --json',
      'systemctl is-enabled moat-platform.service',
    ]);
  });

  it('stub: a fresh host: the bootstrap brings Tailscale up, moat writes the real values, renders, runs it again, installs the unit; a second run changes nothing', async () => {
    const first = await init();
    expect(first.code, first.err).toBe(0);
    // Bootstrapped twice: once with the placeholder (it stopped at its address check), once with the real address;
    // told which config, so the scheduled backups back up this platform.
    expect(lines(join(state, 'bootstrap.log'))).toEqual(
      Array(2).fill(`bash ${join(dir, 'deploy', 'host', 'bootstrap.sh')} MOAT_BUNDLE=${join(dir, 'deploy')} MOAT_CONFIG=${join(dir, 'moat.yaml')}`),
    );
    const yaml = readFileSync(join(dir, 'moat.yaml'), 'utf8');
    expect(yaml).toBe(`# the production host
project: ai-platform
host:
  adminCidr: 198.51.100.7/32 # office
  tailscale: { address: 100.101.102.103, hostname: ai-host, tailnet: tail1234.ts.net } # placeholders until host init
  publicInterface: ens5
models: [llama3.2:3b]
`);
    const bootstrap = readFileSync(join(dir, 'deploy', 'host', 'bootstrap.sh'), 'utf8');
    expect(bootstrap).toContain("TS_EXPECTED_IP='100.101.102.103'");
    expect(bootstrap).toContain("PUBLIC_IF='ens5'");
    const unit = readFileSync(join(dir, 'units', 'moat-platform.service'), 'utf8');
    expect(unit).toContain(`ExecStart=/usr/local/bin/moat -c ${join(dir, 'moat.yaml')} up --out ${join(dir, 'deploy')} --no-models`);
    expect(unit).toBe(readFileSync(join(dir, 'deploy', 'host', 'moat-platform.service'), 'utf8'));
    expect(lines(join(state, 'calls.log'))).toContain('systemctl enable moat-platform.service');
    expect(first.out).toContain('moat host init: done');

    const calls = lines(join(state, 'calls.log')).length;
    const second = await init();
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain('moat.yaml: unchanged');
    expect(second.out).toContain('bundle: unchanged');
    expect(second.out).toContain('bootstrap: already applied');
    expect(second.out).toContain('moat host init: nothing changed');
    expect(readFileSync(join(dir, 'moat.yaml'), 'utf8')).toBe(yaml);
    expect(lines(join(state, 'bootstrap.log'))).toHaveLength(2);
    expect(lines(join(state, 'calls.log')).slice(calls)).toEqual([
      'ip -j route show default',
      'tailscale ip -4',
      'tailscale status --json',
      'systemctl is-enabled moat-platform.service',
    ]);
    // A dry run on the set-up host finds nothing to do either.
    const dry = await init(true);
    expect(dry.out).toContain('bundle: unchanged');
    expect(dry.out).toContain('moat host init: nothing changed');
  });

  it('stub: refuses when the proof has high findings, before writing or running anything', async () => {
    writeFileSync(join(state, 'ts-up'), '');
    const exposed = `${CONFIG}services:\n  dify-db: { publish: ["0.0.0.0:5432:5432"] }\n`;
    writeFileSync(join(dir, 'moat.yaml'), exposed);
    const run = await init();
    expect(run.code).toBe(1);
    expect(run.err).toContain('[cli.proof-failed]');
    expect(run.err).toContain('services.dify-db.publish[0]');
    expect(readFileSync(join(dir, 'moat.yaml'), 'utf8')).toBe(exposed);
    expect(existsSync(join(dir, 'deploy'))).toBe(false);
    expect(lines(join(state, 'bootstrap.log'))).toEqual([]);
  });

  it('stub: a failing command is reported with what it said', async () => {
    writeFileSync(join(dir, 'bin', 'ip'), '#!/bin/sh\necho "Cannot open netlink socket: Permission denied" >&2\nexit 2\n');
    const error = await init().catch((e: unknown) => e);
    expect(String((error as Error).message)).toContain('Cannot open netlink socket');
  });
});

describe('the host facts, from recorded outputs', () => {
  it('reads the default route interface, the Tailscale address and name', () => {
    expect(parseDefaultRoute(fixture('ip-route-default.local.json'))).toBe('eth0');
    expect(parseDefaultRoute(fixture('ip-route-default.ec2.json'))).toBe('ens5');
    expect(parseDefaultRoute('[]')).toBeUndefined();
    expect(parseDefaultRoute('not json')).toBeUndefined();
    expect(parseTailscaleIp4(fixture('tailscale-ip-4.txt'))).toBe('100.101.102.103');
    expect(parseTailscaleIp4('fd7a:115c:a1e0::1\n')).toBeUndefined();
    expect(parseTailscaleStatus(fixture('tailscale-status.json'))).toEqual({ hostname: 'ai-host', tailnet: 'tail1234.ts.net' });
    expect(parseTailscaleStatus('{"Self":{"DNSName":""}}')).toBeUndefined();
    // MagicDNS off: no DNSName, the host name and the tailnet's suffix instead.
    expect(parseTailscaleStatus('{"Self":{"DNSName":"","HostName":"AI-Host"},"CurrentTailnet":{"MagicDNSSuffix":"tail1234.ts.net"}}')).toEqual({
      hostname: 'ai-host',
      tailnet: 'tail1234.ts.net',
    });
  });

  it('stub: a hostile name from tailscale is refused by the loader before anything is written', async () => {
    writeFileSync(join(state, 'ts-up'), '');
    const fixtures = join(dir, 'fixtures');
    mkdirSync(fixtures);
    for (const f of ['tailscale-ip-4.txt', 'ip-route-default.ec2.json']) writeFileSync(join(fixtures, f), fixture(f));
    writeFileSync(join(fixtures, 'tailscale-status.json'), JSON.stringify({ Self: { DNSName: 'x$(reboot).tail1234.ts.net.' } }));
    runner = systemRunner({ PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, STATE: state, FIXTURES: fixtures });
    const error = await init().catch((e: unknown) => e);
    expect((error as { findings?: { code: string; path: string }[] }).findings?.map((f) => [f.code, f.path])).toEqual([
      ['config.invalid-value', 'host.tailscale.hostname'],
    ]);
    expect(readFileSync(join(dir, 'moat.yaml'), 'utf8')).toBe(CONFIG);
    expect(existsSync(join(dir, 'deploy'))).toBe(false);
  });
});
