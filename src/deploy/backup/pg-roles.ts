// PostgreSQL's role passwords after a restore. pg_dump (one database) carries
// no roles, and the image applies POSTGRES_PASSWORD only when it initialises
// an empty PGDATA: on a cluster made anew (after `moat reset`, a lost disk)
// the superuser keeps the password the fresh `moat up` generated, while the
// restored store, and so Dify, hold the backup's never-rotate
// DIFY_DB_PASSWORD: Dify would be locked out of its database. LiteLLM's role
// likewise keeps the fresh LITELLM_DB_PASSWORD, and must exist before
// pg_restore --create gives it its database back (`ALTER DATABASE ... OWNER
// TO litellm`). So, once the store is restored, each PostgreSQL service's
// login role (POSTGRES_USER, psql's CURRENT_USER) takes the value of the
// secret it gets as POSTGRES_PASSWORD, and LiteLLM's role is created or
// updated with the restored value, both by the scripts `moat up` uses (a
// SCRAM-SHA-256 verifier, never the plain value: litellm-db.ts).
import { serviceByName } from '../../model/lookup.js';
import type { Platform } from '../../model/types.js';
import { LITELLM_DB_SECRET, LITELLM_DB_SERVICE, litellmDbScript, PSQL_ARGV, redactPsql, scramVerifier, sqlLiteral, usesLitellmDb } from '../litellm-db.js';
import { backupPlan } from './plan.js';
import type { BackupTarget } from './target.js';

const PASSWORD_ENV = 'POSTGRES_PASSWORD';

export interface RoleStep {
  readonly service: string;
  /** For the report: whose password this sets. */
  readonly what: string;
  readonly script: string;
  /** Redacted from anything psql says. */
  readonly password: string;
}

/** The login role psql connects as (the image's POSTGRES_USER) takes this password. */
export function superuserPasswordScript(password: string): string {
  return `\\set ON_ERROR_STOP on\nALTER ROLE CURRENT_USER PASSWORD ${sqlLiteral(scramVerifier(password))};\n`;
}

/** What must run in which PostgreSQL service so that its roles take the passwords of `values` (the restored store). */
export function roleSteps(platform: Platform, values: ReadonlyMap<string, string>): RoleStep[] {
  const steps: RoleStep[] = [];
  for (const name of backupPlan(platform).postgres) {
    const secret = serviceByName(platform, name)?.secrets.find((s) => s.env === PASSWORD_ENV);
    const password = secret === undefined ? undefined : values.get(secret.name);
    if (secret && password !== undefined)
      steps.push({ service: name, what: `the superuser's password (${secret.name})`, script: superuserPasswordScript(password), password });
  }
  const litellm = values.get(LITELLM_DB_SECRET);
  if (usesLitellmDb(platform) && litellm !== undefined)
    steps.push({
      service: LITELLM_DB_SERVICE,
      what: `LiteLLM's role and its password (${LITELLM_DB_SECRET})`,
      script: litellmDbScript(litellm),
      password: litellm,
    });
  return steps;
}

/** Runs the steps; resolves with the failures (psql's words, every password redacted). */
export async function applyRoleSteps(target: BackupTarget, steps: readonly RoleStep[]): Promise<{ service: string; message: string }[]> {
  const failures: { service: string; message: string }[] = [];
  for (const step of steps) {
    const result = await target
      .exec(step.service, PSQL_ARGV, { stdin: step.script })
      .catch((error: unknown) => ({ exitCode: -1, stderr: (error as Error).message }));
    if (result.exitCode === 0) continue;
    const said = redactPsql(result.stderr, step.password).trim().split('\n').slice(-5).join(' / ');
    failures.push({ service: step.service, message: `setting ${step.what} failed with exit code ${result.exitCode}: ${said || '(no output)'}` });
  }
  return failures;
}
