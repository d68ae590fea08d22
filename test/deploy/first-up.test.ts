// The first `moat up` of the reference platform against a stub engine (every
// container healthy at once), a stub Ollama and a stub LiteLLM on loopback
// (both speaking their documented APIs): the setup steps run in the order the
// apps need them, and no secret value reaches any output.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { pluginInstallArgv } from '../../src/deploy/bot-setup.js';
import type { ContainerState, Engine, ExecResult } from '../../src/deploy/engine.js';
import { firstRunSteps, insideContainer } from '../../src/deploy/first-run.js';
import { appKeys } from '../../src/deploy/first-up.js';
import { createProgress } from '../../src/deploy/progress.js';
import { createPullProgress } from '../../src/deploy/pull-progress.js';
import { readSecrets } from '../../src/deploy/secrets-store.js';
import { deployUp, formatFailures } from '../../src/deploy/up.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import type { Platform, PlatformInput } from '../../src/model/types.js';
import { startAnythingStub } from './knowledge/anythingllm-stub.js';
import { type LitellmStub, startLitellmStub } from './litellm-stub.js';
import { closedPort, type OllamaStub, startOllamaStub } from './ollama-stub.js';

class Sink {
  text = '';
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** The reference platform: its clawdbot holds CLAWDBOT_LITELLM_KEY (src/catalog/clawdbot.ts). */
function platformWithClawKey(): Platform {
  const platform = normalizePlatform(referencePlatform());
  expect(platform.services.find((s) => s.name === 'clawdbot')?.secrets.map((s) => s.name)).toContain('CLAWDBOT_LITELLM_KEY');
  return platform;
}

function healthy(service: string): ContainerState {
  return {
    service,
    id: `id-${service}`,
    name: `p_${service}_1`,
    state: 'running',
    health: 'healthy',
    exitCode: 0,
    restartCount: 0,
    addresses: {},
    published: [],
  };
}

/** Records every action in order: `up <services>`, `exec <service>`, plus what the stubs saw (appended by the test). */
function stubEngine(
  events: string[],
  execs: { service: string; argv: readonly string[]; stdin?: string }[],
  execResult: ExecResult = { exitCode: 0, stdout: '', stderr: '' },
  onUp?: (services: readonly string[]) => void,
): Engine {
  const running: ContainerState[] = [];
  return {
    name: 'stub',
    async up(services) {
      onUp?.(services);
      events.push(`up ${services.join(',')}`);
      for (const s of services) if (!running.some((c) => c.service === s)) running.push(healthy(s));
    },
    async containers() {
      return [...running];
    },
    async logs() {
      return '';
    },
    async down() {},
    async resources() {
      return { networks: [], volumes: [] };
    },
    async exec(service, argv, stdin) {
      events.push(`exec ${service}`);
      execs.push({ service, argv, ...(stdin === undefined ? {} : { stdin }) });
      return execResult;
    },
    execCommand(service, argv) {
      return ['docker', 'compose', '-p', 'ai-platform', 'exec', service, ...argv];
    },
  };
}

let dir = '';
let ollama: OllamaStub;
let litellm: LitellmStub | undefined;
const REGISTRY = {
  'llama3.2:3b': { layers: [{ digest: `sha256:${'dde5aa3fc5ff'.padEnd(64, '0')}`, size: 2_000_000 }] },
  'nomic-embed-text:latest': { layers: [{ digest: `sha256:${'970aa74c0a90'.padEnd(64, '2')}`, size: 1_000_000 }] },
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moat-first-up-'));
  ollama = await startOllamaStub(REGISTRY);
});
afterEach(async () => {
  await ollama.close();
  await litellm?.close();
  litellm = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('the first moat up (stub engine, stub Ollama, stub LiteLLM)', () => {
  it("creates LiteLLM's database before LiteLLM starts, registers Clawdbot's key before Clawdbot starts, pulls the models last", async () => {
    const platform = platformWithClawKey();
    const secretsFile = join(dir, '.moat', 'secrets.env');
    // The store first, so the stub LiteLLM knows the master key moat will use.
    const { prepareUp } = await import('../../src/deploy/up.js');
    await prepareUp(platform, { bundleDir: join(dir, 'deploy'), secretsFile, services: [] });
    const values = (await readSecrets(secretsFile)) as Map<string, string>;
    litellm = await startLitellmStub(values.get('LITELLM_MASTER_KEY') as string);
    const events: string[] = [];
    const execs: { service: string; argv: readonly string[]; stdin?: string }[] = [];
    const stderr = new Sink();
    let keysWhenClawdbotStarted = -1;
    const result = await deployUp(platform, {
      engine: stubEngine(events, execs, undefined, (services) => {
        if (services.includes('clawdbot')) keysWhenClawdbotStarted = litellm?.keys.length ?? -1;
      }),
      bundleDir: join(dir, 'deploy'),
      secretsFile,
      progress: createProgress(
        platform.services.map((s) => s.name),
        stderr,
      ),
      pollMs: 5,
      firstUp: {
        registerKeys: true,
        pullModels: true,
        ollamaUrl: ollama.url,
        litellmUrl: litellm.url,
        pullProgress: createPullProgress(stderr),
        pullRetry: { sleep: async () => {} },
      },
    });
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);

    const at = (prefix: string): number => events.findIndex((e) => e.startsWith(prefix) || e.split(' ')[1]?.split(',').includes(prefix));
    const upOf = (service: string): number => events.findIndex((e) => e.startsWith('up ') && e.slice(3).split(',').includes(service));
    expect(at('exec dify-db')).toBeGreaterThan(upOf('dify-db'));
    expect(at('exec dify-db')).toBeLessThan(upOf('litellm'));
    expect(execs[0]?.stdin).toMatch(/CREATE DATABASE %I OWNER %I', 'litellm', 'litellm'/);
    // Clawdbot's key was in LiteLLM before Clawdbot's level came up.
    expect(keysWhenClawdbotStarted).toBe(1);
    expect(litellm.keys).toEqual([{ key: values.get('CLAWDBOT_LITELLM_KEY'), key_alias: 'clawdbot', models: ['llama3.2:3b', 'nomic-embed-text:latest'] }]);
    expect(result.steps).toEqual([
      { service: 'dify-db', detail: "LiteLLM's role and database ready" },
      { service: 'litellm', detail: "clawdbot's key created" },
    ]);
    // Models: both pulled, after every level was up.
    expect(result.models).toEqual({ present: [], pulled: ['llama3.2:3b', 'nomic-embed-text:latest'] });
    expect(ollama.pulls.map((p) => p.model)).toEqual(['llama3.2:3b', 'nomic-embed-text:latest']);

    // No secret value in any output of the run, or in any argv given to the engine.
    const output = stderr.text + JSON.stringify(result);
    for (const [name, value] of values) {
      expect(output, name).not.toContain(value);
      for (const e of execs) expect(e.argv.join(' '), name).not.toContain(value);
    }
    expect(stderr.text).toMatch(/^dify-db: healthy \(LiteLLM's role and database ready\)$/m);
    expect(stderr.text).toMatch(/^llama3\.2:3b dde5aa3fc5ff {2}2\.0 MB \/ 2\.0 MB {2}100% {2}done$/m);
  });

  it('a second up registers nothing twice and pulls nothing', async () => {
    const platform = platformWithClawKey();
    const secretsFile = join(dir, '.moat', 'secrets.env');
    const { prepareUp } = await import('../../src/deploy/up.js');
    await prepareUp(platform, { bundleDir: join(dir, 'deploy'), secretsFile, services: [] });
    const values = (await readSecrets(secretsFile)) as Map<string, string>;
    litellm = await startLitellmStub(values.get('LITELLM_MASTER_KEY') as string);
    const run = () =>
      deployUp(platform, {
        engine: stubEngine([], []),
        bundleDir: join(dir, 'deploy'),
        secretsFile,
        pollMs: 5,
        firstUp: { registerKeys: true, pullModels: true, ollamaUrl: ollama.url, litellmUrl: litellm!.url },
      });
    await run();
    const again = await run();
    expect(again.ok).toBe(true);
    expect(again.steps.find((s) => s.service === 'litellm')?.detail).toBe("clawdbot's key in place");
    expect(again.models).toEqual({ present: ['llama3.2:3b', 'nomic-embed-text:latest'], pulled: [] });
    expect(litellm.requests.filter((r) => r.url === '/key/generate')).toHaveLength(1);
    expect(ollama.pulls).toHaveLength(2);
  });

  it('a failing psql stops before LiteLLM starts and says what psql said, the password redacted', async () => {
    const platform = platformWithClawKey();
    const secretsFile = join(dir, '.moat', 'secrets.env');
    const { prepareUp } = await import('../../src/deploy/up.js');
    await prepareUp(platform, { bundleDir: join(dir, 'deploy'), secretsFile, services: [] });
    const password = (await readSecrets(secretsFile))?.get('LITELLM_DB_PASSWORD') as string;
    const events: string[] = [];
    const engine = stubEngine(events, [], { exitCode: 2, stdout: '', stderr: `psql: error: FATAL: role "postgres" does not exist (tried ${password})` });
    const result = await deployUp(platform, {
      engine,
      bundleDir: join(dir, 'deploy'),
      secretsFile,
      pollMs: 5,
      firstUp: { pullModels: true, ollamaUrl: ollama.url },
    });
    expect(result.ok).toBe(false);
    expect(events.some((e) => e.startsWith('up ') && e.includes('litellm'))).toBe(false);
    const text = formatFailures(result.failures);
    expect(text).toContain("moat: dify-db is up, but its setup step failed: `psql in dify-db (LiteLLM's role and database)` failed");
    expect(text).toContain('role "postgres" does not exist (tried <redacted>)');
    expect(text).not.toContain(password);
    expect(result.rows.find((r) => r.service === 'litellm')?.state).toBe('not started (a dependency failed)');
    expect(ollama.pulls).toEqual([]);
  });

  it("an unreachable LiteLLM: Clawdbot's key cannot be registered, so Clawdbot is not started; no key in the report", async () => {
    const platform = platformWithClawKey();
    const secretsFile = join(dir, '.moat', 'secrets.env');
    const events: string[] = [];
    const result = await deployUp(platform, {
      engine: stubEngine(events, []),
      bundleDir: join(dir, 'deploy'),
      secretsFile,
      pollMs: 5,
      firstUp: { registerKeys: true, litellmUrl: `http://127.0.0.1:${await closedPort()}`, keyRetryMs: 1 },
    });
    expect(result.ok).toBe(false);
    expect(result.failures[0]).toMatchObject({ service: 'litellm', step: true, expected: "LiteLLM registers clawdbot's own key (CLAWDBOT_LITELLM_KEY)" });
    expect(result.failures[0]?.reason).toMatch(/cannot reach LiteLLM at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(events.some((e) => e.startsWith('up ') && e.includes('clawdbot'))).toBe(false);
    const values = (await readSecrets(secretsFile)) as Map<string, string>;
    const report = formatFailures(result.failures) + JSON.stringify(result.rows);
    for (const [name, value] of values) expect(report, name).not.toContain(value);
  });

  it('an unreachable Ollama at the end leaves the services up and names the command that resumes', async () => {
    const platform = normalizePlatform(referencePlatform());
    const result = await deployUp(platform, {
      engine: stubEngine([], []),
      bundleDir: join(dir, 'deploy'),
      secretsFile: join(dir, '.moat', 'secrets.env'),
      pollMs: 5,
      firstUp: { pullModels: true, ollamaUrl: `http://127.0.0.1:${await closedPort()}` },
    });
    expect(result.ok).toBe(false);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ service: 'ollama', expected: 'Ollama pulls the models of moat.yaml (llm.models and llm.embedder)' });
    expect(result.failures[0]?.reason).toMatch(/cannot reach Ollama at .*\n {2}next: `moat models pull` resumes where this stopped/);
    expect(result.rows.find((r) => r.service === 'ollama')?.state).toBe('healthy, but its setup step failed (below)');
    expect(result.rows.find((r) => r.service === 'n8n')?.state).toBe('healthy');
  });

  it('without pullModels (callers that cannot reach the bridge) no pull is tried', async () => {
    const platform = normalizePlatform(referencePlatform());
    const result = await deployUp(platform, {
      engine: stubEngine([], []),
      bundleDir: join(dir, 'deploy'),
      secretsFile: join(dir, '.moat', 'secrets.env'),
      pollMs: 5,
      firstUp: { ollamaUrl: ollama.url },
    });
    expect(result.ok).toBe(true);
    expect(result.models).toBeUndefined();
    expect(ollama.pulls).toEqual([]);
  });
});

describe('first steps after the table', () => {
  const platform = platformWithClawKey();
  const text = firstRunSteps(platform, {
    execCommand: (service, argv) => ['docker', 'compose', '-p', 'ai-platform', '--project-directory', '/srv/my deploy', 'exec', service, ...argv],
  });

  it("gives each app's URL from its route and Clawdbot's pairing commands with the bundle's compose invocation", () => {
    expect(text).toContain('n8n  https://ai-platform.example.ts.net:8443/n8n/');
    // Own origins for the apps that cannot live under a path, as the apps themselves are told (routeUrl).
    expect(text).toContain('AnythingLLM  https://ai-platform.example.ts.net:8444/');
    expect(text).toContain(
      'Dify  https://ai-platform.example.ts.net:8445/\n  first visit: create the admin account at https://ai-platform.example.ts.net:8445/install, which asks for the secret DIFY_INIT_PASSWORD (`moat secrets --show DIFY_INIT_PASSWORD`)',
    );
    expect(text).toContain('Clawdbot  https://ai-platform.example.ts.net:8443/clawdbot/');
    expect(text).toContain(
      "see the waiting request: docker compose -p ai-platform --project-directory '/srv/my deploy' exec clawdbot node openclaw.mjs devices list",
    );
    expect(text).toContain(
      "approve it:              docker compose -p ai-platform --project-directory '/srv/my deploy' exec clawdbot node openclaw.mjs devices approve <requestId>",
    );
    expect(text).toContain('gateway token (the Control UI asks for it): the secret CLAWDBOT_GATEWAY_TOKEN (`moat secrets --show CLAWDBOT_GATEWAY_TOKEN`)');
  });

  it("names AnythingLLM's password secret only when the platform has it, never a value", () => {
    expect(text).toContain('password: the secret ANYTHINGLLM_AUTH_TOKEN (`moat secrets --show ANYTHINGLLM_AUTH_TOKEN`)');
    const input = referencePlatform() as PlatformInput;
    const without = normalizePlatform({
      ...input,
      services: input.services.map((s) =>
        s.name === 'anythingllm' ? { ...s, secrets: (s.secrets ?? []).filter((x) => x.name !== 'ANYTHINGLLM_AUTH_TOKEN') } : s,
      ),
    });
    expect(firstRunSteps(without, { execCommand: (s, a) => [s, ...a] })).not.toContain('ANYTHINGLLM_AUTH_TOKEN');
  });

  it("keeps only the in-container part of the catalog's commands, so moat's own invocation for the bundle goes in front", () => {
    expect(insideContainer(['docker', 'compose', 'exec', 'clawdbot', 'node', 'openclaw.mjs', 'devices', 'list'], 'clawdbot')).toEqual([
      'node',
      'openclaw.mjs',
      'devices',
      'list',
    ]);
    expect(insideContainer(['node', 'openclaw.mjs', 'devices', 'list'], 'clawdbot')).toEqual(['node', 'openclaw.mjs', 'devices', 'list']);
    // Exactly one invocation in the printed line (no `docker compose exec clawdbot` twice).
    expect(text.match(/exec clawdbot/g)).toHaveLength(2);
  });

  it('finds the app keys by their name: <APP>_LITELLM_KEY of a service other than LiteLLM', () => {
    expect(appKeys(platform)).toEqual([{ service: 'clawdbot', secret: 'CLAWDBOT_LITELLM_KEY' }]);
  });
});

describe("the bot's setup in moat up (stub engine, stub AnythingLLM 1.16.0 API)", () => {
  const withSignal = (): Platform => {
    // A copy: the reference platform is one object shared by every caller.
    const input = structuredClone(referencePlatform()) as unknown as { services: { name: string; env?: Record<string, string> }[] };
    const bot = input.services.find((s) => s.name === 'clawdbot');
    if (bot) bot.env = { ...(bot.env ?? {}), SIGNAL_ACCOUNT: '+4915112345678' };
    return normalizePlatform(input as unknown as PlatformInput);
  };

  it("makes AnythingLLM's key before the bot starts, writes it into the bot's env file, and installs the Signal plugin once the bot runs", async () => {
    const platform = withSignal();
    const secretsFile = join(dir, '.moat', 'secrets.env');
    const bundleDir = join(dir, 'deploy');
    const { prepareUp } = await import('../../src/deploy/up.js');
    await prepareUp(platform, { bundleDir, secretsFile, services: [] });
    const before = (await readSecrets(secretsFile)) as Map<string, string>;
    const anything = await startAnythingStub(before.get('ANYTHINGLLM_AUTH_TOKEN') as string);
    try {
      const events: string[] = [];
      const execs: { service: string; argv: readonly string[]; stdin?: string }[] = [];
      let keysWhenBotStarted = -1;
      let botEnvWhenStarted = '';
      const engine = stubEngine(events, execs, { exitCode: 0, stdout: '{"id":"signal","trust":{"reason":"trusted-official"}}', stderr: '' }, (services) => {
        if (services.includes('clawdbot')) keysWhenBotStarted = anything.keys.size;
      });
      const up = engine.up.bind(engine);
      engine.up = async (services) => {
        if (services.includes('clawdbot')) botEnvWhenStarted = await readFile(join(bundleDir, 'secrets', 'clawdbot.env'), 'utf8');
        await up(services);
      };
      const result = await deployUp(platform, { engine, bundleDir, secretsFile, pollMs: 5, firstUp: { knowledgeKey: true, anythingllmUrl: anything.url } });
      expect(result.failures).toEqual([]);
      const key = (await readSecrets(secretsFile))?.get('ANYTHINGLLM_API_KEY') as string;
      expect(key).toMatch(/\S{8,}/);
      expect(keysWhenBotStarted).toBe(1);
      expect([...anything.keys]).toEqual([key]);
      expect(botEnvWhenStarted).toContain(`ANYTHINGLLM_API_KEY=${key}`);
      // The plugin: after the bot's level is up, inside its container, the catalog's own command.
      const pluginExec = execs.findIndex((e) => e.service === 'clawdbot');
      expect(execs[pluginExec]?.argv).toEqual(pluginInstallArgv());
      expect(pluginInstallArgv()).toEqual(['node', 'openclaw.mjs', 'plugins', 'inspect', 'signal', '--json']);
      expect(events.indexOf('exec clawdbot')).toBeGreaterThan(events.findIndex((e) => e.startsWith('up ') && e.includes('clawdbot')));
      expect(result.steps).toContainEqual({ service: 'anythingllm', detail: "the bot's knowledge key created" });
      expect(result.steps).toContainEqual({ service: 'clawdbot', detail: 'Signal plugin installed (trusted-official)' });
      expect(JSON.stringify(result)).not.toContain(key);
    } finally {
      await anything.close();
    }
  });

  it('a plugin install that fails (no npm registry from the container) is a setup failure of the bot that says why', async () => {
    const platform = withSignal();
    const secretsFile = join(dir, '.moat', 'secrets.env');
    const engine = stubEngine([], []);
    // psql in dify-db succeeds; the plugin install in clawdbot cannot reach the registry.
    engine.exec = async (service) =>
      service === 'clawdbot'
        ? { exitCode: 1, stdout: '', stderr: 'npm error network request to https://registry.npmjs.org/@openclaw%2fsignal failed' }
        : { exitCode: 0, stdout: '', stderr: '' };
    const result = await deployUp(platform, { engine, bundleDir: join(dir, 'deploy'), secretsFile, pollMs: 5 });
    const failure = result.failures.find((f) => f.service === 'clawdbot');
    expect(failure?.step).toBe(true);
    expect(failure?.reason).toContain('registry.npmjs.org');
    expect(failure?.reason).toContain('the container needs to reach it');
  });

  it('without a Signal number there is no plugin step', async () => {
    const execs: { service: string; argv: readonly string[] }[] = [];
    const result = await deployUp(platformWithClawKey(), {
      engine: stubEngine([], execs),
      bundleDir: join(dir, 'deploy'),
      secretsFile: join(dir, '.moat', 'secrets.env'),
      pollMs: 5,
    });
    expect(result.failures).toEqual([]);
    expect(execs.filter((e) => e.service === 'clawdbot')).toEqual([]);
  });
});
