// Real OpenClaw (npm openclaw at the catalog's version, Node 24 from the app
// cache) with the real Signal plugin (@openclaw/signal at the catalog's pin,
// installed the official way, offline from an npm cache), started with the rendered
// openclaw.json of a platform that names the bot's number, inside a private
// network namespace. signal-api is a stub of signal-cli-rest-api 0.100 at its
// static address (test/deploy/signal/signal-api-ns-stub.ts: REST + the receive
// WebSocket); LiteLLM's address holds the stub OpenAI-compatible model
// (test/apps/ns-stubs.ts). A Signal message from a stranger gets a pairing
// code, the operator approves it with the CLI, and the next message is
// answered with the stub model's words through POST /v2/send.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TEST_APPS_CACHE, testApp } from '../../scripts/test-app-versions.js';
import { KNOWLEDGE_KEY_ENV, KNOWLEDGE_TOOL_PATH } from '../../src/catalog/clawdbot-knowledge.js';
import { CLAWDBOT_SIGNAL, CLAWDBOT_SIGNAL_PLUGIN } from '../../src/catalog/clawdbot-signal.js';
import { CATALOG } from '../../src/catalog/index.js';
import { renderBundle } from '../../src/render/registry.js';
import { goldenPlatform } from '../support/golden.js';
import {
  type AppNamespace,
  asUser,
  createNamespace,
  deleteNamespace,
  installedApp,
  type NsProcess,
  nodeBinary,
  ownedDir,
  REPO,
  runInNamespace,
  sh,
  startInNamespace,
  startStubs,
  waitUntil,
} from '../support/real-apps.js';
import { type ComposeService, dnsNames, healthcheckPasses, type RenderedPlatform, serviceAddress, serviceEnvironment } from '../support/real-apps-gateway.js';

const BOT = '+4915112345678';
const USER = '+4917600000001';
const MODEL_REPLY = 'Hello from the stub model.';
const ANYTHINGLLM_KEY = 'moat-test-anythingllm-developer-key-5f2c9a';
const SNIPPET = 'The Q3 travel policy caps hotel nights at 180 EUR in Berlin.';
const app = testApp('openclaw');

let ns: AppNamespace | undefined;
let claw: NsProcess | undefined;
let stubs: NsProcess | undefined;
let signal: NsProcess | undefined;
let knowledge: NsProcess | undefined;
let node = '';
let pkg = '';
let user = '1000:1000';
let env: Record<string, string> = {};
let config: { channels?: { signal?: Record<string, unknown> } } = {};
let r: RenderedPlatform;
let pluginInspect = '';

/** The rendered bundle of the built-in platform with the bot's number in moat.yaml. */
function renderedWithSignal(): RenderedPlatform {
  const platform = goldenPlatform(`services:\n  - name: clawdbot\n    env:\n      SIGNAL_ACCOUNT: "${BOT}"\n`);
  const { files } = renderBundle(platform);
  const file = (path: string): string => {
    const f = files.find((x) => x.path === path);
    if (f === undefined) throw new Error(`the bundle has no ${path}`);
    return f.content;
  };
  const compose = parse(file('compose.yaml')) as { services: Record<string, ComposeService> };
  return { files, services: compose.services, platform, file };
}

/**
 * An npm cache holding the pinned plugin (its packument and tarball), filled
 * once per app cache by the same official install an operator runs, with the
 * npm registry reachable (setup, like installedApp; outside any namespace), into
 * a throwaway state dir. The lock file's integrity must be the catalog's pin.
 * The test itself then installs offline from this cache, inside the namespace.
 */
function pluginNpmCache(node: string, pkg: string): string {
  const dir = join(TEST_APPS_CACHE, `openclaw-signal-${CLAWDBOT_SIGNAL_PLUGIN.version}`);
  const cache = join(dir, 'npm-cache');
  if (existsSync(join(dir, '.moat-installed'))) return cache;
  rmSync(dir, { recursive: true, force: true });
  const scratch = join(dir, 'scratch');
  mkdirSync(join(scratch, 'state'), { recursive: true });
  writeFileSync(
    join(scratch, 'openclaw.json'),
    JSON.stringify({ gateway: { mode: 'local' }, plugins: { entries: { [CLAWDBOT_SIGNAL_PLUGIN.id]: { enabled: true } } } }),
  );
  const keep = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => /^(NODE_EXTRA_CA_CERTS|npm_config_cafile|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy)$/.test(k)),
  ) as Record<string, string>;
  sh(node, ['openclaw.mjs', 'plugins', 'inspect', CLAWDBOT_SIGNAL_PLUGIN.id, '--json'], {
    cwd: pkg,
    timeoutMs: 600_000,
    env: {
      ...keep,
      HOME: scratch,
      OPENCLAW_STATE_DIR: join(scratch, 'state'),
      OPENCLAW_CONFIG_PATH: join(scratch, 'openclaw.json'),
      OPENCLAW_CONFIG_READONLY: '1',
      npm_config_cache: cache,
      npm_config_cafile: process.env['npm_config_cafile'] ?? '/etc/ssl/certs/ca-certificates.crt',
      PATH: `${join(node, '..')}:/usr/local/bin:/usr/bin:/bin`,
    },
  });
  const projects = join(scratch, 'state', 'npm', 'projects');
  const project = readdirSync(projects).find((d) => d.startsWith('openclaw-signal-'));
  const lock = JSON.parse(readFileSync(join(projects, project ?? '', 'package-lock.json'), 'utf8')) as { packages?: Record<string, { integrity?: string }> };
  expect(lock.packages?.[`node_modules/${CLAWDBOT_SIGNAL_PLUGIN.package}`]?.integrity, 'npm installed another tarball than the catalog pins').toBe(
    CLAWDBOT_SIGNAL_PLUGIN.integrity,
  );
  rmSync(scratch, { recursive: true, force: true });
  writeFileSync(join(dir, '.moat-installed'), '');
  return cache;
}

beforeAll(async () => {
  const dir = installedApp('openclaw');
  node = nodeBinary();
  pkg = join(dir, 'node_modules/openclaw');
  const npmCache = pluginNpmCache(node, pkg);
  r = renderedWithSignal();
  const compose = r.services['clawdbot'];
  if (compose === undefined) throw new Error('the bundle has no clawdbot service');
  ns = createNamespace('clawsig', serviceAddress(r, 'nginx'), [
    serviceAddress(r, 'clawdbot'),
    serviceAddress(r, 'litellm'),
    serviceAddress(r, 'signal-api'),
    serviceAddress(r, 'anythingllm'),
  ]);
  stubs = startStubs(ns, dnsNames(r));
  await waitUntil('the namespace DNS stub', () => stubs?.log().includes('ready\n') ?? false, 30_000, stubs);
  const knowledgeConfig = join(ns.dir, 'knowledge-stubs.json');
  writeFileSync(
    knowledgeConfig,
    JSON.stringify({
      model: { address: serviceAddress(r, 'litellm'), port: 4000 },
      anythingllm: {
        address: serviceAddress(r, 'anythingllm'),
        port: 3001,
        key: ANYTHINGLLM_KEY,
        workspace: 'moat-knowledge',
        snippet: SNIPPET,
        title: 'travel-policy.pdf',
      },
    }),
  );
  knowledge = startInNamespace(
    ns,
    'knowledge-stubs',
    join(REPO, 'node_modules/.bin/tsx'),
    [join(REPO, 'test/deploy/signal/knowledge-ns-stubs.ts'), knowledgeConfig],
    { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    REPO,
  );
  await waitUntil('the model and AnythingLLM stubs', () => knowledge?.log().includes('ready\n') ?? false, 30_000, knowledge);
  const signalConfig = join(ns.dir, 'signal-stub.json');
  writeFileSync(signalConfig, JSON.stringify({ address: serviceAddress(r, 'signal-api'), port: 8080, account: BOT }));
  signal = startInNamespace(
    ns,
    'signal-stub',
    join(REPO, 'node_modules/.bin/tsx'),
    [join(REPO, 'test/deploy/signal/signal-api-ns-stub.ts'), signalConfig],
    { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    REPO,
  );
  await waitUntil('the signal-api stub', () => signal?.log().includes('ready\n') ?? false, 30_000, signal);

  user = String((compose as { user?: string }).user ?? '1000:1000');
  const home = ownedDir(join(ns.dir, 'clawdbot-home'), user);
  ownedDir(join(home, '.openclaw'), user);
  config = JSON.parse(r.file('clawdbot/openclaw.json')) as typeof config;
  const configDir = ownedDir(join(ns.dir, 'clawdbot-config'), user);
  const configPath = join(configDir, 'openclaw.json');
  // The knowledge tool's script, mounted at its path in the container, becomes a file in the temp dir.
  const toolPath = join(configDir, 'knowledge-mcp.mjs');
  writeFileSync(toolPath, r.file('clawdbot/knowledge-mcp.mjs'));
  const adapted = JSON.parse(r.file('clawdbot/openclaw.json')) as { mcp: { servers: { knowledge: { args: string[] } } } };
  expect(adapted.mcp.servers.knowledge.args).toEqual([KNOWLEDGE_TOOL_PATH]);
  adapted.mcp.servers.knowledge.args = [toolPath];
  writeFileSync(configPath, `${JSON.stringify(adapted, null, 2)}\n`);
  const rendered = serviceEnvironment(r, 'clawdbot');
  expect(rendered['OPENCLAW_STATE_DIR']).toBe('/home/node/.openclaw');
  env = {
    ...rendered,
    // Container paths become temp dirs: HOME and the state dir (the clawdbot-state volume), the config file's mount.
    HOME: home,
    OPENCLAW_STATE_DIR: join(home, '.openclaw'),
    OPENCLAW_CONFIG_PATH: configPath,
    ...Object.fromEntries((CATALOG.find((c) => c.name === 'clawdbot')?.secrets ?? []).map((x) => [x.env, `sk-test-${x.name.toLowerCase()}`])),
    // secrets/clawdbot.env carries the knowledge step's AnythingLLM key.
    [KNOWLEDGE_KEY_ENV]: ANYTHINGLLM_KEY,
    NODE_ENV: 'production',
    PATH: `${join(node, '..')}:/usr/local/bin:/usr/bin:/bin`,
  };
  // The operator's one-time step (CLAWDBOT_SIGNAL.installPlugin), run as the container's user with its
  // environment; here npm reads the registry from the cache filled above, offline (the namespace has no route out).
  const [, , , , ...install] = CLAWDBOT_SIGNAL.installPlugin;
  expect(install.slice(0, 2)).toEqual(['node', 'openclaw.mjs']);
  const cacheCopy = join(ns.dir, 'npm-cache');
  cpSync(npmCache, cacheCopy, { recursive: true });
  ownedDir(cacheCopy, user);
  const [iexe, iargv] = asUser(user, node, install.slice(1));
  pluginInspect = runInNamespace(ns, iexe, iargv, { env: { ...env, npm_config_cache: cacheCopy, npm_config_offline: 'true' }, timeoutMs: 300_000, cwd: pkg });
  const [cmd, ...args] = compose.command ?? [];
  expect(cmd).toBe('node');
  const [exe, argv] = asUser(user, node, args);
  claw = startInNamespace(ns, 'clawdbot', exe, argv, env, pkg);
  await waitUntil('OpenClaw to pass its rendered health check', () => healthcheckPasses(ns as AppNamespace, r, 'clawdbot', { node: [node] }), 240_000, claw);
}, 45 * 60_000);

afterAll(async () => {
  await claw?.stop();
  await signal?.stop();
  await knowledge?.stop();
  await stubs?.stop();
  if (ns) deleteNamespace(ns);
}, 120_000);

function cli(args: readonly string[]): string {
  if (!ns) throw new Error('no namespace');
  const [exe, argv] = asUser(user, node, ['openclaw.mjs', ...args]);
  return runInNamespace(ns, exe, argv, { env, timeoutMs: 120_000, cwd: pkg });
}

/** A Signal message from USER, delivered by the stub over the receive WebSocket; how many sockets got it. */
function deliver(message: string): number {
  if (!ns) throw new Error('no namespace');
  const out = runInNamespace(ns, 'curl', [
    '-sS',
    '--max-time',
    '10',
    '-H',
    'content-type: application/json',
    '--data-binary',
    JSON.stringify({ source: USER, message }),
    `http://${serviceAddress(r, 'signal-api')}:8080/__stub/receive`,
  ]);
  return (JSON.parse(out) as { delivered: number }).delivered;
}

interface Sent {
  readonly message?: string;
  readonly number?: string;
  readonly recipients?: string[];
}

function sends(): Sent[] {
  return (signal?.log(200_000) ?? '')
    .split('\n')
    .filter((l) => l.startsWith('signal-stub POST /v2/send '))
    .map((l) => JSON.parse(l.slice('signal-stub POST /v2/send '.length)) as Sent);
}

describe(`OpenClaw ${app.version} with @openclaw/signal ${CLAWDBOT_SIGNAL_PLUGIN.version} on the rendered config (real app, stub signal-cli-rest-api)`, () => {
  it("renders the channel for the number of moat.yaml, on signal-api's REST API (the container transport)", () => {
    expect(config.channels?.signal).toEqual({
      enabled: true,
      account: BOT,
      transport: { kind: 'container', url: 'http://signal-api:8080' },
      dmPolicy: 'pairing',
    });
  });

  it('the installed plugin is the official, trusted one, from the state dir', () => {
    const inspect = JSON.parse(pluginInspect.slice(pluginInspect.indexOf('{'))) as {
      plugin?: { version?: string; status?: string; trust?: { reason?: string }; rootDir?: string };
    };
    expect(inspect.plugin?.version).toBe(CLAWDBOT_SIGNAL_PLUGIN.version);
    expect(inspect.plugin?.trust?.reason).toBe('trusted-official');
    expect(inspect.plugin?.status).toBe('loaded');
    expect(inspect.plugin?.rootDir?.startsWith(env['OPENCLAW_STATE_DIR'] ?? '?')).toBe(true);
  });

  it("opens signal-api's receive WebSocket for the bot's number", async () => {
    await waitUntil(
      'the plugin to open /v1/receive',
      () => (signal?.log(200_000) ?? '').includes(`UPGRADE /v1/receive/${encodeURIComponent(BOT)}`),
      180_000,
      claw,
    );
  }, 240_000);

  it('answers a stranger with a pairing code only, and the CLI approves it', async () => {
    const calls = (knowledge?.log(200_000) ?? '').split('model-stub POST /v1/chat/completions').length;
    await waitUntil('the stub to deliver to an open socket', () => deliver('Hello bot') > 0, 60_000, claw);
    await waitUntil('a pairing reply through POST /v2/send', () => sends().length > 0, 120_000, claw);
    const first = sends()[0];
    expect(first?.number).toBe(BOT);
    expect(first?.recipients).toEqual([USER]);
    expect(first?.message ?? '').not.toContain(MODEL_REPLY);
    const list = cli(['pairing', 'list', 'signal', '--json']);
    const code = /"code"\s*:\s*"([A-Z0-9-]+)"/.exec(list)?.[1];
    expect(code, list).toBeDefined();
    expect(first?.message ?? '').toContain(code ?? '');
    // A stranger's message never reached the model.
    expect((knowledge?.log(200_000) ?? '').split('model-stub POST /v1/chat/completions').length).toBe(calls);
    // The operator's step (CLAWDBOT_SIGNAL.approve). 2026.9.6 stores the approval in the state dir, prints
    // "Approved signal sender …", then exits 1 because it cannot also write the read-only config: the next
    // test shows the approval took effect.
    let approved = '';
    try {
      approved = cli(CLAWDBOT_SIGNAL.approve(code ?? '').slice(6));
    } catch (error) {
      approved = (error as Error).message;
    }
    expect(approved).toContain(`Approved signal sender ${USER}.`);
  }, 300_000);

  it("answers the approved sender's message with the stub model's words, through LiteLLM's address", async () => {
    const before = sends().length;
    expect(deliver('What do you say?')).toBeGreaterThan(0);
    await waitUntil(
      "the stub model's answer through POST /v2/send",
      () =>
        sends()
          .slice(before)
          .some((s) => (s.message ?? '').includes(MODEL_REPLY)),
      180_000,
      claw,
    );
    const answer = sends()
      .slice(before)
      .find((s) => (s.message ?? '').includes(MODEL_REPLY));
    expect(answer?.recipients).toEqual([USER]);
    expect(answer?.number).toBe(BOT);
    expect(knowledge?.log(200_000) ?? '').toMatch(/model-stub POST \/v1\/chat\/completions /);
  }, 240_000);

  it('answers a question about a document with a passage AnythingLLM found, through the search_documents tool', async () => {
    const before = sends().length;
    expect(deliver('What does the travel policy say about hotels?')).toBeGreaterThan(0);
    await waitUntil(
      'an answer quoting the document through POST /v2/send',
      () =>
        sends()
          .slice(before)
          .some((s) => (s.message ?? '').includes(SNIPPET)),
      180_000,
      claw,
    );
    const answer = sends()
      .slice(before)
      .find((s) => (s.message ?? '').includes(SNIPPET));
    expect(answer?.recipients).toEqual([USER]);
    const log = knowledge?.log(200_000) ?? '';
    // The model was offered the tool directly, called it, and AnythingLLM got the developer key.
    expect(log).toMatch(/model-stub POST \/v1\/chat\/completions .*tools=[^ ]*search_documents/);
    expect(log).toMatch(/anythingllm-stub POST \/api\/v1\/workspace\/moat-knowledge\/vector-search authorized=true /);
    expect(log).toMatch(/roles=[^ ]*tool/);
  }, 240_000);
});
