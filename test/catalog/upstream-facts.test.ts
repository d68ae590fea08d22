// Every rendered compose service whose image has upstream facts
// (src/catalog/upstream/) is checked against them: the pinned tag, the health
// check's binary, every env name, a command override against the entrypoint's
// user switch, a read-only root against the paths the app writes. The checker
// is a pure function over the rendered service; the synthetic cases at the end
// prove each rule can fail.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DERIVED_SECRETS } from '../../src/catalog/derived-secrets.js';
import { referencePlatform } from '../../src/catalog/reference.js';
import { DIFY_UPSTREAM } from '../../src/catalog/upstream/dify-index.js';
import { splitImage, UPSTREAM_FACTS, type UpstreamFacts } from '../../src/catalog/upstream/index.js';
import { N8N_DEPRECATED_ENV } from '../../src/catalog/upstream/n8n.js';
import { CONSOLE_ENV_NAMES } from '../../src/console/env.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import { COMPOSE_FILE, renderCompose } from '../../src/render/compose.js';

interface ComposeService {
  readonly image: string;
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly healthcheck?: { readonly test: readonly string[] };
  readonly read_only?: boolean;
  readonly tmpfs?: readonly string[];
  readonly volumes?: readonly string[];
  readonly user?: string;
}

/** Env names a service sets that its app does not read, on purpose, each with why. */
const NOT_READ_ON_PURPOSE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // The console is moat's own program on the Node.js image: its names are the program's (src/console/env.ts), not the image's.
  console: Object.fromEntries(CONSOLE_ENV_NAMES.map((name) => [name, "read by moat's console program (src/console/env.ts, main.ts)"])),
  litellm: {
    LITELLM_DB_PASSWORD:
      "moat's own: the password of LiteLLM's database role; LiteLLM reads it inside DATABASE_URL, which moat derives from it (src/deploy/litellm-db.ts)",
  },
};

/** Default write paths that a service moves elsewhere with an env name (the value must be writable). */
const RELOCATED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // rclone's default cache dir ~/.cache/rclone is on the read-only root; --cache-dir's twin moves it.
  gdrive: { '/root/.cache/rclone': 'RCLONE_CACHE_DIR' },
};

/** Env names a version still reads but deprecates: rendering them is a finding too. */
const DEPRECATED: Readonly<Record<string, Readonly<Record<string, string>>>> = { n8n: N8N_DEPRECATED_ENV };

const under = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir.replace(/\/+$/, '')}/`);

/** The binaries a health check runs: the CMD's first word, or the shell and the shell command's first word. */
function healthBinaries(test: readonly string[]): string[] {
  const [kind, ...rest] = test;
  if (kind === 'CMD') return rest[0] === undefined ? [] : [rest[0]];
  if (kind === 'CMD-SHELL') {
    const first = (rest[0] ?? '').trim().split(/\s+/)[0];
    return ['sh', ...(first ? [first] : [])];
  }
  return [];
}

/** Problems of one rendered service against its image's facts; empty when it conforms. */
function checkService(
  name: string,
  svc: ComposeService,
  facts: UpstreamFacts,
  secretEnv: readonly string[],
  options: { notRead?: Readonly<Record<string, string>>; relocated?: Readonly<Record<string, string>>; deprecated?: Readonly<Record<string, string>> } = {},
): string[] {
  const problems: string[] = [];
  const { tag } = splitImage(svc.image);
  if (tag !== facts.version) problems.push(`${name}: image tag ${tag} is not the version the facts describe (${facts.version})`);

  for (const binary of svc.healthcheck ? healthBinaries(svc.healthcheck.test) : []) {
    if (!facts.binaries.includes(binary)) problems.push(`${name}: the health check runs ${binary}, which ${facts.image}:${facts.version} does not ship`);
  }

  const env = svc.environment ?? {};
  for (const key of [...Object.keys(env), ...secretEnv]) {
    if (options.deprecated?.[key] !== undefined) problems.push(`${name}: ${key} is deprecated at ${facts.version}: ${options.deprecated[key]}`);
    if (facts.envRead.includes(key) || options.notRead?.[key] !== undefined) continue;
    problems.push(`${name}: ${facts.image}:${facts.version} does not read ${key}`);
  }

  if (svc.command && facts.stepsDownWhenFirstArg && !facts.stepsDownWhenFirstArg.includes(svc.command[0] ?? '')) {
    problems.push(
      `${name}: the command starts with ${svc.command[0]}, so the entrypoint skips its user switch (it steps down only for ${facts.stepsDownWhenFirstArg.join(', ')})`,
    );
  }
  if (svc.user !== undefined && /steps down/.test(facts.user)) {
    problems.push(`${name}: user ${svc.user} overrides an entrypoint that must start as root to step down (${facts.user})`);
  }

  if (svc.read_only === true) {
    const writable = [...(svc.tmpfs ?? []), ...(svc.volumes ?? []).filter((v) => !v.endsWith(':ro')).map((v) => v.split(':')[1] ?? '')];
    for (const path of facts.writablePaths) {
      const envName = options.relocated?.[path];
      const target = envName === undefined ? path : env[envName];
      if (target === undefined) {
        problems.push(`${name}: ${path} is moved by ${envName}, which is not set`);
        continue;
      }
      if (!writable.some((dir) => under(target, dir))) problems.push(`${name}: read-only root, but the app writes ${target} and no volume or tmpfs covers it`);
    }
  }
  return problems;
}

const platform = normalizePlatform(referencePlatform());
const compose = parse(renderCompose(platform, {}).files.find((f) => f.path === COMPOSE_FILE)?.content ?? '') as {
  services: Record<string, ComposeService>;
};

function secretEnvOf(name: string): string[] {
  const service = platform.services.find((s) => s.name === name);
  return [...(service?.secrets.map((s) => s.env) ?? []), ...(DERIVED_SECRETS[name]?.map((d) => d.env) ?? [])];
}

describe('rendered services against upstream facts at the pinned tag', () => {
  // The Dify family (its postgres, redis, weaviate, squid included) has its own facts test with Dify's rules
  // (test/catalog/dify-upstream-facts.test.ts); dify-nginx is checked here too.
  const checked = Object.entries(compose.services).filter(
    ([name, svc]) => UPSTREAM_FACTS[splitImage(svc.image).repository] && (name === 'dify-nginx' || !(name in DIFY_UPSTREAM)),
  );

  it("covers every non-Dify image of the built-in platform (and Dify's own nginx)", () => {
    const names = checked.map(([name]) => name).sort();
    expect(names).toEqual(expect.arrayContaining(['anythingllm', 'clawdbot', 'dify-nginx', 'gdrive', 'litellm', 'n8n', 'nginx', 'ollama', 'signal-api']));
  });

  for (const [name, svc] of checked) {
    it(`${name} (${svc.image}) conforms`, () => {
      const facts = UPSTREAM_FACTS[splitImage(svc.image).repository];
      if (!facts) throw new Error('unreachable');
      const options = {
        ...(NOT_READ_ON_PURPOSE[name] ? { notRead: NOT_READ_ON_PURPOSE[name] } : {}),
        ...(RELOCATED[name] ? { relocated: RELOCATED[name] } : {}),
        ...(DEPRECATED[name] ? { deprecated: DEPRECATED[name] } : {}),
      };
      expect(checkService(name, svc, facts, secretEnvOf(name), options)).toEqual([]);
    });
  }

  it('every facts entry names its sources, a date and a tag', () => {
    for (const facts of Object.values(UPSTREAM_FACTS)) {
      expect(facts.sources.length, facts.image).toBeGreaterThan(0);
      expect(facts.released, facts.image).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(facts.version, facts.image).not.toMatch(/^(latest|main|master|stable)$/);
      expect(facts.entrypoint.length + (facts.cmd?.length ?? 0), facts.image).toBeGreaterThan(0);
    }
  });
});

describe('checkService can fail (synthetic services)', () => {
  const redis: UpstreamFacts = {
    image: 'redis',
    version: '8.2.1-alpine',
    released: '2026-01-01',
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['redis-server'],
    user: 'root (steps down to redis)',
    stepsDownWhenFirstArg: ['redis-server'],
    writablePaths: ['/data'],
    binaries: ['sh', 'redis-cli'],
    envRead: ['REDIS_PASSWORD'],
    sources: ['test'],
  };
  const ok: ComposeService = { image: 'redis:8.2.1-alpine', command: ['redis-server', '--save', ''], healthcheck: { test: ['CMD', 'redis-cli', 'ping'] } };

  it('accepts a conforming service', () => {
    expect(checkService('r', ok, redis, ['REDIS_PASSWORD'])).toEqual([]);
  });

  it('refuses another tag', () => {
    expect(checkService('r', { ...ok, image: 'redis:7.0' }, redis, [])).toEqual([expect.stringMatching(/image tag 7.0/)]);
  });

  it('refuses a health check on a binary the image lacks, in CMD and CMD-SHELL', () => {
    expect(checkService('r', { ...ok, healthcheck: { test: ['CMD', 'curl', '-f', 'http://x'] } }, redis, [])).toEqual([expect.stringMatching(/runs curl/)]);
    expect(checkService('r', { ...ok, healthcheck: { test: ['CMD-SHELL', 'wget -q http://x'] } }, redis, [])).toEqual([expect.stringMatching(/runs wget/)]);
  });

  it('refuses an env name the version does not read, unless listed on purpose, and a deprecated one', () => {
    expect(checkService('r', { ...ok, environment: { OPENAI_BASE_URL: 'x' } }, redis, [])).toEqual([expect.stringMatching(/does not read OPENAI_BASE_URL/)]);
    expect(checkService('r', { ...ok, environment: { OPENAI_BASE_URL: 'x' } }, redis, [], { notRead: { OPENAI_BASE_URL: 'why' } })).toEqual([]);
    expect(checkService('r', ok, redis, ['REDIS_PASSWORD'], { deprecated: { REDIS_PASSWORD: 'use a file' } })).toEqual([expect.stringMatching(/deprecated/)]);
  });

  it('refuses a command override that skips the user switch, and a user override of a stepping-down entrypoint', () => {
    expect(checkService('r', { ...ok, command: ['sh', '-c', 'redis-server'] }, redis, [])).toEqual([expect.stringMatching(/skips its user switch/)]);
    expect(checkService('r', { ...ok, user: '999:999' }, redis, [])).toEqual([expect.stringMatching(/must start as root/)]);
  });

  it('refuses a read-only root over a path the app writes, accepts a volume, a tmpfs or a relocation onto one', () => {
    expect(checkService('r', { ...ok, read_only: true }, redis, [])).toEqual([expect.stringMatching(/writes \/data/)]);
    expect(checkService('r', { ...ok, read_only: true, volumes: ['redis-data:/data:ro'] }, redis, [])).toEqual([expect.stringMatching(/writes \/data/)]);
    expect(checkService('r', { ...ok, read_only: true, volumes: ['redis-data:/data'] }, redis, [])).toEqual([]);
    expect(checkService('r', { ...ok, read_only: true, tmpfs: ['/data'] }, redis, [])).toEqual([]);
    const moved = { relocated: { '/data': 'REDIS_DIR' } };
    expect(checkService('r', { ...ok, read_only: true, tmpfs: ['/tmp'] }, redis, [], moved)).toEqual([expect.stringMatching(/moved by REDIS_DIR/)]);
    expect(
      checkService('r', { ...ok, read_only: true, tmpfs: ['/tmp'], environment: { REDIS_DIR: '/tmp/r' } }, { ...redis, envRead: ['REDIS_DIR'] }, [], moved),
    ).toEqual([]);
  });
});

describe('what the review found, at the new pins', () => {
  const env = (name: string) => compose.services[name]?.environment ?? {};

  it('Clawdbot gets no OPENAI_BASE_URL (OpenClaw ignores it) but its own LiteLLM key, never the master key', () => {
    expect(env('clawdbot')).not.toHaveProperty('OPENAI_BASE_URL');
    expect(secretEnvOf('clawdbot')).toContain('LITELLM_API_KEY');
    expect(secretEnvOf('clawdbot')).not.toContain('LITELLM_MASTER_KEY');
    expect(platform.services.find((s) => s.name === 'clawdbot')?.secrets.map((s) => s.name)).toContain('CLAWDBOT_LITELLM_KEY');
  });

  it('Clawdbot declares its read-only config (OPENCLAW_CONFIG_READONLY=1 with the :ro mount)', () => {
    expect(env('clawdbot')['OPENCLAW_CONFIG_READONLY']).toBe('1');
    expect(compose.services['clawdbot']?.volumes).toContain('./clawdbot/openclaw.json:/etc/openclaw/openclaw.json:ro');
  });

  it('AnythingLLM asks for a password from the first start: AUTH_TOKEN and JWT_SECRET are both set', () => {
    expect(secretEnvOf('anythingllm')).toEqual(expect.arrayContaining(['AUTH_TOKEN', 'JWT_SECRET']));
  });

  it('AnythingLLM runs Chromium without SYS_ADMIN (ANYTHINGLLM_CHROMIUM_ARGS instead)', () => {
    expect(compose.services['anythingllm']).not.toHaveProperty('cap_add');
    expect(env('anythingllm')['ANYTHINGLLM_CHROMIUM_ARGS']).toBe('--no-sandbox,--disable-setuid-sandbox');
  });

  it('rclone rcd never runs without auth', () => {
    const gdrive = compose.services['gdrive'];
    expect(gdrive?.command?.some((a) => a.startsWith('--rc-no-auth'))).toBe(false);
    expect(env('gdrive')).not.toHaveProperty('RCLONE_RC_NO_AUTH');
    expect(env('gdrive')['RCLONE_RC_USER']).toBeTruthy();
    expect(secretEnvOf('gdrive')).toContain('RCLONE_RC_PASS');
    expect(gdrive?.volumes).toContain('gdrive-config:/config/rclone');
  });
});
