// The scheduled-backup units (pure renderer): a golden case, and the
// properties that matter asserted on their own: the passphrase reaches the
// service only as a systemd credential, and the bootstrap enables the timer
// only when the passphrase file exists.
import { describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { BACKUP_PASSPHRASE_FILE, backupBootstrapLines, backupService, backupTimerFiles } from '../../../src/render/backup-timer.js';
import { bootstrapScript } from '../../../src/render/bootstrap.js';
import { renderBundle } from '../../../src/render/registry.js';
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
    expect(script).toMatch(/if \[\[ -s \/etc\/moat\/backup-passphrase \]\]; then systemctl enable --now moat-backup.timer/);
  });
});
