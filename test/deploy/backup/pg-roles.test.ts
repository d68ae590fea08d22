// The role steps of a restore, without a server: which PostgreSQL service
// gets which script from the restored store, that no script carries a plain
// password, and that psql's failure is reported with the password redacted.
// The engine round trip (test/deploy/engine/backup-restore.test.ts) proves on
// a real PostgreSQL that the restored passwords then log in.
import { describe, expect, it } from 'vitest';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { POSTGRES_FACTS } from '../../../src/catalog/upstream/dify-postgres.js';
import { applyRoleSteps, roleSteps, superuserPasswordScript } from '../../../src/deploy/backup/pg-roles.js';
import type { BackupTarget } from '../../../src/deploy/backup/target.js';
import { PSQL_ARGV, redactPsql } from '../../../src/deploy/litellm-db.js';
import { normalizePlatform } from '../../../src/model/normalize.js';
import { PG_ENTRYPOINT } from '../../support/debian-images.js';

const platform = normalizePlatform(referencePlatform());
const values = new Map([
  ['DIFY_DB_PASSWORD', 'restored-db-password-0123456789abcdef'],
  ['LITELLM_DB_PASSWORD', 'restored-litellm-password-fedcba9876543210'],
]);

describe('role steps after a restore', () => {
  it("are needed: the image applies POSTGRES_PASSWORD only to an empty data directory (recorded upstream), as the engine test's stand-in does", () => {
    const once = POSTGRES_FACTS.envOnlyOnEmptyData;
    expect(once?.env).toContain('POSTGRES_PASSWORD');
    expect(POSTGRES_FACTS.sources.join(' ')).toMatch(/docker-entrypoint\.sh .*PG_VERSION/);
    // The stand-in the round trip restores into initialises only where the image does.
    expect(PG_ENTRYPOINT).toContain(`[ ! -s "${once?.marker}" ]`);
    const dbSecret = platform.services.find((s) => s.name === 'dify-db')?.secrets.find((s) => s.env === 'POSTGRES_PASSWORD')?.name;
    expect(roleSteps(platform, values).map((s) => s.what)).toContain(`the superuser's password (${dbSecret})`);
  });

  it("sets dify-db's superuser password and LiteLLM's role from the restored store, as SCRAM verifiers only", () => {
    const steps = roleSteps(platform, values);
    expect(steps.map((s) => [s.service, s.what])).toEqual([
      ['dify-db', "the superuser's password (DIFY_DB_PASSWORD)"],
      ['dify-db', "LiteLLM's role and its password (LITELLM_DB_PASSWORD)"],
    ]);
    expect(steps[0]?.script).toMatch(/^\\set ON_ERROR_STOP on\nALTER ROLE CURRENT_USER PASSWORD 'SCRAM-SHA-256\$4096:[^']+';\n$/);
    expect(steps[1]?.script).toContain('CREATE ROLE');
    for (const step of steps) for (const value of values.values()) expect(step.script).not.toContain(value);
  });

  it('has nothing to do without PostgreSQL, or without the values', () => {
    expect(roleSteps({ ...platform, services: platform.services.filter((s) => s.name !== 'dify-db') }, values)).toEqual([]);
    expect(roleSteps(platform, new Map())).toEqual([]);
    const noLitellm = { ...platform, services: platform.services.filter((s) => s.name !== 'litellm') };
    expect(roleSteps(noLitellm, values).map((s) => s.what)).toEqual(["the superuser's password (DIFY_DB_PASSWORD)"]);
  });

  it('runs each script with psql on stdin and reports a failure with the password redacted', async () => {
    const calls: { service: string; argv: readonly string[]; stdin: unknown }[] = [];
    const target = {
      exec: async (service: string, argv: readonly string[], io: { stdin?: unknown } = {}) => {
        calls.push({ service, argv, stdin: io.stdin });
        return calls.length === 1
          ? { exitCode: 0, stdout: Buffer.alloc(0), stderr: '' }
          : { exitCode: 2, stdout: Buffer.alloc(0), stderr: `ERROR: something about ${values.get('LITELLM_DB_PASSWORD')}\n` };
      },
    } as unknown as BackupTarget;
    const failures = await applyRoleSteps(target, roleSteps(platform, values));
    expect(calls.map((c) => [c.service, c.argv])).toEqual([
      ['dify-db', PSQL_ARGV],
      ['dify-db', PSQL_ARGV],
    ]);
    expect(failures).toEqual([
      {
        service: 'dify-db',
        message: "setting LiteLLM's role and its password (LITELLM_DB_PASSWORD) failed with exit code 2: ERROR: something about <redacted>",
      },
    ]);
    expect(superuserPasswordScript('x')).not.toContain("'x'");
  });

  it('takes the SCRAM verifier out too where psql quotes the failing statement', async () => {
    const script = superuserPasswordScript('s3cret');
    const statement = script.split('\n')[1] ?? '';
    // psql's report of a failing statement: the error, then the statement's line with a caret.
    const stderr = `psql:<stdin>:2: ERROR:  syntax error at or near "x"\nLINE 1: ${statement} x\n        ^\n`;
    const target = { exec: async () => ({ exitCode: 3, stdout: Buffer.alloc(0), stderr }) } as unknown as BackupTarget;
    const [failure] = await applyRoleSteps(target, [{ service: 'dify-db', what: 'the password', script, password: 's3cret' }]);
    expect(statement).toMatch(/SCRAM-SHA-256\$/);
    expect(failure?.message).toContain("PASSWORD '<redacted>'; x");
    expect(failure?.message).not.toMatch(/SCRAM-SHA-256\$/);
    expect(redactPsql('ERROR:  x', '')).toBe('ERROR:  x');
  });
});
