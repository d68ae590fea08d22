// The systemd units that run `moat drive sync` on schedule: golden files
// (test/deploy/drive/golden/, MOAT_UPDATE_GOLDEN=1 regenerates), the schedule
// from moat.yaml, a hostile schedule refused at load, and, where
// systemd-analyze exists, the calendar expression checked by systemd itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { DRIVE_STATE_FILE } from '../../../src/deploy/drive/drive.js';
import { ConfigSchema } from '../../../src/model/config-schema.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { bootstrapScript } from '../../../src/render/bootstrap.js';
import { driveServiceUnit, driveTimerUnit, renderDriveTimer } from '../../../src/render/drive-timer.js';
import { RENDERERS } from '../../../src/render/registry.js';
import { expectGolden, goldenCases, goldenPlatform, renderOrError } from '../../support/golden.js';

describe('golden: drive-timer', () => {
  const cases = goldenCases(new URL('./golden/', import.meta.url));
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(1);
  });
  for (const c of cases) {
    it(c.name, () => {
      expectGolden(
        c,
        renderOrError(() => RENDERERS['drive-timer'](goldenPlatform(c.input), {})),
      );
    });
  }
});

describe('drive timer', () => {
  it('is installed and enabled by the bootstrap, and its service waits for the state file moat drive connect writes', () => {
    const script = bootstrapScript(normalizePlatform(referencePlatform()));
    expect(script).toContain('install -m 0644 "$BUNDLE/host/moat-drive-sync.service" "$BUNDLE/host/moat-drive-sync.timer" /etc/systemd/system/');
    expect(script).toContain('systemctl enable --now moat-drive-sync.timer');
    // The unit's WorkingDirectory is the project (moat.yaml's directory); the state lives in its .moat/, beside the secrets store.
    const unit = driveServiceUnit('/srv/ai/deploy');
    expect(unit).toContain('WorkingDirectory=/srv/ai');
    expect(unit).toContain(`ConditionPathExists=/srv/ai/.moat/${DRIVE_STATE_FILE}`);
  });

  const platform = normalizePlatform(referencePlatform());

  it.runIf(existsSync('/usr/bin/systemd-analyze'))(
    'is a pair of units systemd reads without a warning (systemd-analyze verify: a key in the wrong section is ignored, and said so)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'moat-drive-units-'));
      try {
        const files = renderDriveTimer(platform, {}).files.map((f) => {
          const file = join(dir, f.path.split('/').pop() ?? f.path);
          // moat is not installed here; the unit's executable must exist for verify.
          writeFileSync(file, f.content.replace(/^ExecStart=.*$/m, 'ExecStart=/bin/true'));
          return file;
        });
        const verify = spawnSync('systemd-analyze', ['verify', '--man=no', ...files], { encoding: 'utf8' });
        expect(verify.stderr).toBe('');
        expect(verify.status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('runs moat drive sync as a oneshot, on the default hourly schedule, catching up after downtime', () => {
    const files = renderDriveTimer(platform, {}).files;
    expect(files.map((f) => f.path)).toEqual(['host/moat-drive-sync.service', 'host/moat-drive-sync.timer']);
    const [service, timer] = files.map((f) => f.content);
    expect(service).toMatch(/^Type=oneshot$/m);
    expect(service).toMatch(/^ExecStart=\/usr\/local\/bin\/moat drive sync --out \/opt\/moat$/m);
    expect(timer).toMatch(/^OnCalendar=hourly$/m);
    expect(timer).toMatch(/^Persistent=true$/m);
  });

  it('renders nothing without a gdrive service', () => {
    const without = normalizePlatform({ ...referencePlatform(), services: referencePlatform().services.filter((s) => s.name !== 'gdrive') });
    expect(renderDriveTimer(without, {}).files).toEqual([]);
  });

  it('refuses a schedule that would add lines or keys to the unit', () => {
    for (const schedule of ['hourly\nExecStart=/bin/sh', 'daily\r\n[Service]', 'hourly;rm -rf /', '$(id)']) {
      expect(ConfigSchema.safeParse({ knowledge: { schedule } }).success, schedule).toBe(false);
    }
    expect(ConfigSchema.safeParse({ knowledge: { schedule: 'Mon..Fri *-*-* 06:00:00' } }).success).toBe(true);
    expect(ConfigSchema.safeParse({ knowledge: { workspace: 'Not A Slug' } }).success).toBe(false);
  });

  it.runIf(existsSync('/usr/bin/systemd-analyze'))('systemd accepts the calendar expressions (systemd-analyze calendar)', () => {
    for (const schedule of ['hourly', '*-*-* 06,18:00:00']) {
      const timer = driveTimerUnit({ ...platform, knowledge: { ...platform.knowledge, schedule } });
      const expression = /^OnCalendar=(.*)$/m.exec(timer)?.[1] ?? '';
      expect(() => execFileSync('systemd-analyze', ['calendar', expression], { stdio: 'pipe' })).not.toThrow();
    }
    expect(() => execFileSync('systemd-analyze', ['calendar', 'every tuesday-ish'], { stdio: 'pipe' })).toThrow();
  });
});
