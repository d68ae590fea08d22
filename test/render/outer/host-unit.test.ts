// Golden cases of the reboot unit (test/golden/outer/host-unit/<case>.golden),
// rendered with fixed host paths: the reference paths, and paths with a space
// and a percent sign (quoted and escaped for systemd, systemd.service(5)).
// Regenerate with `npm run golden:update` and review the diff.
import { describe, expect, it } from 'vitest';
import { hostUnit, renderHostUnit } from '../../../src/render/host-unit.js';
import { expectGolden, goldenCases, goldenPlatform, renderOrError } from '../../support/golden.js';

const PATHS = {
  reference: { moat: ['/usr/local/bin/moat'], configFile: '/opt/moat/moat.yaml', bundleDir: '/opt/moat/deploy' },
  'paths-with-spaces': {
    moat: ['/usr/bin/node', '/opt/moat tools/moat.js'],
    configFile: '/srv/ai platform/moat.yaml',
    bundleDir: '/srv/ai platform/100%/deploy',
  },
} as const;

describe('golden: host-unit', () => {
  for (const c of goldenCases(new URL('../../golden/outer/host-unit/', import.meta.url))) {
    it(c.name, () => {
      const paths = PATHS[c.name as keyof typeof PATHS];
      expectGolden(
        c,
        renderOrError(() => renderHostUnit(goldenPlatform(c.input), paths)),
      );
    });
  }

  it('refuses a relative path or a newline (it would end the unit line)', () => {
    const platform = goldenPlatform('reference');
    expect(() => hostUnit(platform, { ...PATHS.reference, configFile: 'moat.yaml' })).toThrow(/absolute/);
    expect(() => hostUnit(platform, { ...PATHS.reference, bundleDir: '/opt/x\nExecStartPre=/bin/sh' })).toThrow(/control character/);
  });

  it('doubles a dollar sign, which systemd would expand as a variable even inside quotes', () => {
    const unit = hostUnit(goldenPlatform('reference'), { ...PATHS.reference, configFile: '/srv/a${HOME}b/moat.yaml' });
    const exec = unit.split('\n').find((l) => l.startsWith('ExecStart='));
    expect(exec).toContain('"/srv/a$${HOME}b/moat.yaml"');
    expect(exec?.replaceAll('$$', '')).not.toContain('$');
  });
});
