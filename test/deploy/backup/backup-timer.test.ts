// The scheduled-backup units (pure renderer): a golden case, and the
// properties that matter asserted on their own: the passphrase reaches the
// service only as a systemd credential, and the bootstrap enables the timer
// only when the passphrase file exists. The service's shell and the bootstrap's
// step run for real (sh and bash, in a temp directory standing in for /, with
// stub moat and systemctl on PATH): the service backs up the platform its
// environment file names, or moat.yaml beside the bundle, and never moat's
// built-in reference platform; both pass shellcheck. sh, bash, realpath and
// shellcheck are in /usr/bin or /bin, so this stays in the unit tier.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import {
  BACKUP_ENV_FILE,
  BACKUP_KEEP,
  BACKUP_PASSPHRASE_FILE,
  backupBootstrapLines,
  backupService,
  backupTimerFiles,
} from '../../../src/render/backup-timer.js';
import { bootstrapScript } from '../../../src/render/bootstrap.js';
import { renderBundle } from '../../../src/render/registry.js';
import { requireTool } from '../../render/outer/support.js';
import { expectGolden, formatRender, goldenCases, goldenPlatform } from '../../support/golden.js';

const platform = normalizePlatform(referencePlatform());

describe('golden: backup timer', () => {
  for (const c of goldenCases(new URL('./golden/', import.meta.url))) {
    it(c.name, () => expectGolden(c, formatRender({ files: backupTimerFiles(goldenPlatform(c.input)), warnings: [] })));
  }
});

describe('scheduled backups', () => {
  it('hand the passphrase over as a credential file, never on a command line or in the environment', () => {
    const unit = backupService(platform);
    expect(unit).toContain(`LoadCredential=passphrase:${BACKUP_PASSPHRASE_FILE}`);
    expect(unit).toMatch(/--passphrase-file "%d\/passphrase"/);
    expect(unit).not.toMatch(/passphrase-env|Environment=.*PASS/);
    expect(unit).toMatch(/--keep \d+/);
  });

  it("are in the bundle's host/ directory and installed by the bootstrap, enabled only with a passphrase", () => {
    const paths = renderBundle(platform).files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['host/moat-backup.service', 'host/moat-backup.timer']));
    const script = bootstrapScript(platform);
    for (const line of backupBootstrapLines()) expect(script).toContain(line);
    expect(script).toMatch(
      /\nif \[\[ -s \/etc\/moat\/backup-passphrase \]\]; then\n {2}chmod 0600 \/etc\/moat\/backup-passphrase\n {2}systemctl enable --now moat-backup.timer\n/,
    );
  });
});

/** The shell of the rendered ExecStart=/bin/sh -c '...', as systemd hands it to sh: "$$" is "$", %d the credentials directory. */
function execStartShell(unit: string, credentials: string): string {
  const line = unit.split('\n').find((l) => l.startsWith('ExecStart='));
  const prefix = "ExecStart=/bin/sh -c '";
  expect(line?.startsWith(prefix) && line.endsWith("'"), 'ExecStart runs one single-quoted sh -c argument').toBe(true);
  const quoted = (line ?? '').slice(prefix.length, -1);
  // Inside it systemd would end the quote at a ' and read \ as an escape; a % other than %d would be a specifier.
  expect(quoted).not.toMatch(/['\\]|%[^d]/);
  return quoted.replaceAll('$$', '$').replaceAll('%d', credentials);
}

/** A temp directory standing in for the host's /: the project, its bundle, /etc, stub moat and systemctl. */
interface Host {
  readonly root: string;
  readonly project: string;
  readonly bundle: string;
  readonly bin: string;
  readonly credentials: string;
  path(hostPath: string): string;
  /** argv of the stub moat's last run (first line: its working directory), or undefined if it did not run. */
  moatRun(): string[] | undefined;
  systemctlCalls(): string[];
}

function fakeHost(): Host {
  const root = mkdtempSync(join(tmpdir(), 'moat-backup-timer-'));
  const project = join(root, 'srv', 'ai');
  const bundle = join(project, 'deploy');
  const bin = join(root, 'bin');
  const credentials = join(root, 'run', 'credentials', 'moat-backup.service');
  for (const dir of [join(bundle, 'host'), bin, credentials, join(root, 'etc', 'moat'), join(root, 'etc', 'systemd', 'system')])
    mkdirSync(dir, { recursive: true });
  for (const f of backupTimerFiles(platform)) writeFileSync(join(bundle, f.path), f.content);
  const moatLog = join(root, 'moat-argv');
  const systemctlLog = join(root, 'systemctl-calls');
  writeFileSync(join(bin, 'moat'), `#!/bin/sh\n{ pwd; for a in "$@"; do printf '%s\\n' "$a"; done; } > '${moatLog}'\n`);
  writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho "$*" >> '${systemctlLog}'\n`);
  chmodSync(join(bin, 'moat'), 0o755);
  chmodSync(join(bin, 'systemctl'), 0o755);
  return {
    root,
    project,
    bundle,
    bin,
    credentials,
    path: (hostPath) => join(root, hostPath),
    moatRun: () => (existsSync(moatLog) ? readFileSync(moatLog, 'utf8').trimEnd().split('\n') : undefined),
    systemctlCalls: () => (existsSync(systemctlLog) ? readFileSync(systemctlLog, 'utf8').trimEnd().split('\n') : []),
  };
}

/** Runs the bootstrap's backup step with bash, its /etc paths under the fake root. */
function runBootstrapStep(host: Host, env: Record<string, string> = {}) {
  const step = backupBootstrapLines().join('\n').replaceAll(' /etc/', ` ${host.root}/etc/`);
  expect(step.replaceAll(`${host.root}/etc/`, ''), 'every /etc path of the step is moved under the fake root').not.toContain('/etc/');
  const script = ['set -euo pipefail', `log() { printf 'moat-bootstrap: %s\\n' "$*" >&2; }`, `BUNDLE='${host.bundle}'`, step].join('\n');
  return spawnSync('bash', ['--norc', '-c', script], { encoding: 'utf8', cwd: host.root, env: { PATH: `${host.bin}:/usr/bin:/bin`, ...env } });
}

/** Runs the service's shell as systemd would: the environment file's variables, the stub moat first on PATH. */
function runService(host: Host) {
  const env: Record<string, string> = { PATH: `${host.bin}:/usr/bin:/bin` };
  const envFile = host.path(BACKUP_ENV_FILE);
  if (existsSync(envFile)) {
    for (const line of readFileSync(envFile, 'utf8').split('\n')) {
      const at = line.indexOf('=');
      if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return spawnSync('/bin/sh', ['-c', execStartShell(backupService(platform), host.credentials)], { encoding: 'utf8', cwd: '/', env });
}

// Each test on a fresh fake host (a temp root with a stub moat and systemctl), removed after it.
describe('on a fake host', () => {
  let host: Host;
  beforeEach(() => {
    host = fakeHost();
  });
  afterEach(() => {
    rmSync(host.root, { recursive: true, force: true });
  });

  describe('the scheduled backup service, run', () => {
    const backupArgs = (config: string) => [
      '-c',
      config,
      'backup',
      '--out',
      host.bundle,
      '--keep',
      String(BACKUP_KEEP),
      '--passphrase-file',
      join(host.credentials, 'passphrase'),
    ];

    it('backs up the platform of the config the bootstrap was given, wherever it is', () => {
      const elsewhere = join(host.root, 'home', 'ops', 'platform.yaml');
      mkdirSync(join(host.root, 'home', 'ops'), { recursive: true });
      writeFileSync(elsewhere, 'project: ai\n');
      // Relative, as an operator types it: the bootstrap makes it absolute (from where it ran).
      expect(runBootstrapStep(host, { MOAT_CONFIG: 'home/ops/platform.yaml' }).status).toBe(0);
      expect(readFileSync(host.path(BACKUP_ENV_FILE), 'utf8')).toBe(`MOAT_BUNDLE=${host.bundle}\nMOAT_CONFIG=${elsewhere}\n`);
      const r = runService(host);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(host.moatRun()).toEqual([host.project, ...backupArgs(elsewhere)]);
    });

    it('without MOAT_CONFIG backs up moat.yaml beside the bundle (also from an environment file that names only the bundle)', () => {
      writeFileSync(join(host.project, 'moat.yaml'), 'project: ai\n');
      expect(runBootstrapStep(host).status).toBe(0);
      expect(readFileSync(host.path(BACKUP_ENV_FILE), 'utf8')).toBe(`MOAT_BUNDLE=${host.bundle}\nMOAT_CONFIG=${join(host.project, 'moat.yaml')}\n`);
      expect(runService(host).status).toBe(0);
      expect(host.moatRun()).toEqual([host.project, ...backupArgs(join(host.project, 'moat.yaml'))]);
      // An older bootstrap wrote only MOAT_BUNDLE.
      writeFileSync(host.path(BACKUP_ENV_FILE), `MOAT_BUNDLE=${host.bundle}\n`);
      expect(runService(host).status).toBe(0);
      expect(host.moatRun()).toEqual([host.project, ...backupArgs(join(host.project, 'moat.yaml'))]);
    });

    it('with no config where it looks, exits 1 saying so, and never runs moat (which would back up the reference platform)', () => {
      // moat.yaml would be in the working directory of a plain `moat backup`: not where the service looks.
      writeFileSync(join(host.bundle, 'moat.yaml'), 'project: decoy\n');
      writeFileSync(host.path(BACKUP_ENV_FILE), `MOAT_BUNDLE=${host.bundle}\n`);
      let r = runService(host);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `moat-backup: no platform config at ${join(host.project, 'moat.yaml')}: nothing backed up; set MOAT_CONFIG in ${BACKUP_ENV_FILE} or put moat.yaml beside the bundle\n`,
      );
      expect(host.moatRun()).toBeUndefined();
      writeFileSync(host.path(BACKUP_ENV_FILE), `MOAT_BUNDLE=${host.bundle}\nMOAT_CONFIG=${join(host.root, 'gone.yaml')}\n`);
      r = runService(host);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`no platform config at ${join(host.root, 'gone.yaml')}: nothing backed up`);
      expect(host.moatRun()).toBeUndefined();
    });

    it('without MOAT_BUNDLE fails, naming the environment file', () => {
      const r = runService(host);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(`MOAT_BUNDLE: is not set: ${BACKUP_ENV_FILE} names the bundle`);
      expect(host.moatRun()).toBeUndefined();
    });

    it('passes shellcheck as sh', () => {
      requireTool('shellcheck', 'shellcheck');
      const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '-'], {
        encoding: 'utf8',
        input: `${execStartShell(backupService(platform), '/run/credentials/moat-backup.service')}\n`,
      });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  });

  describe("the bootstrap's backup step, run", () => {
    it('installs the units and enables the timer when the passphrase file has a passphrase, and makes it 0600', () => {
      writeFileSync(join(host.project, 'moat.yaml'), 'project: ai\n');
      writeFileSync(host.path(BACKUP_PASSPHRASE_FILE), 'correct horse\n', { mode: 0o644 });
      const r = runBootstrapStep(host);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(host.systemctlCalls()).toEqual(['daemon-reload', 'enable --now moat-backup.timer']);
      expect(statSync(host.path(BACKUP_PASSPHRASE_FILE)).mode & 0o777).toBe(0o600);
      for (const f of backupTimerFiles(platform))
        expect(readFileSync(host.path(`/etc/systemd/system/${f.path.slice('host/'.length)}`), 'utf8')).toBe(f.content);
    });

    it('refuses a config path with a line break, which would add a line of its own to the environment file', () => {
      const r = runBootstrapStep(host, { MOAT_CONFIG: `${host.root}/x.yaml\nMOAT_BUNDLE=/elsewhere` });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('holds a line break');
      expect(existsSync(host.path(BACKUP_ENV_FILE))).toBe(false);
    });

    it('says so when the config the backups will read is not there yet (the timer is enabled all the same)', () => {
      writeFileSync(host.path(BACKUP_PASSPHRASE_FILE), 'correct horse\n');
      const r = runBootstrapStep(host);
      expect(r.status).toBe(0);
      expect(host.systemctlCalls()).toContain('enable --now moat-backup.timer');
      expect(r.stderr).toContain(`scheduled backups will fail until the platform config is at ${join(host.project, 'moat.yaml')}`);
    });

    it('leaves the timer off without a passphrase file, or with an empty one, and says how to turn it on', () => {
      let r = runBootstrapStep(host);
      expect(r.status).toBe(0);
      expect(host.systemctlCalls()).toEqual(['daemon-reload']);
      expect(r.stderr).toContain(`scheduled backups off: put a passphrase in ${host.path(BACKUP_PASSPHRASE_FILE)}`);
      writeFileSync(host.path(BACKUP_PASSPHRASE_FILE), '');
      r = runBootstrapStep(host);
      expect(r.status).toBe(0);
      expect(host.systemctlCalls()).toEqual(['daemon-reload', 'daemon-reload']);
      expect(r.stderr).toContain('scheduled backups off');
    });
  });
});
