// The bot's search_documents tool as rendered (clawdbot/knowledge-mcp.mjs),
// run with node and spoken to over MCP's stdio JSON-RPC, against a stub of
// AnythingLLM 1.16.0's workspace vector search (Bearer key checked, answer
// {results: [{text, metadata: {title}, score}]}); and the config that starts it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clawdbotConfig } from '../../../src/catalog/clawdbot-config.js';
import { KNOWLEDGE_TOOL_PATH, knowledgeToolScript } from '../../../src/catalog/clawdbot-knowledge.js';
import { ANYTHINGLLM_API_KEY_SECRET } from '../../../src/deploy/knowledge/api-key.js';
import { serviceEnvContent } from '../../../src/deploy/service-env.js';
import { renderBundle } from '../../../src/render/registry.js';
import { goldenPlatform } from '../../support/golden.js';

const KEY = 'moat-test-anythingllm-developer-key-5f2c9a';
/** What openclaw.json holds in place of the key: OpenClaw's `${VAR}` substitution of the gateway's env. */
const KEY_REFERENCE = `$${'{'}ANYTHINGLLM_API_KEY}`;
const SNIPPET = 'The Q3 travel policy caps hotel nights at 180 EUR in Berlin.';
const reference = goldenPlatform('reference');
let stub: Server;
let url = '';
let dir = '';
const seen: { auth: string | undefined; path: string; body: string }[] = [];

beforeAll(async () => {
  stub = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, path: req.url ?? '', body });
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization !== `Bearer ${KEY}`) {
        res.statusCode = 403;
        res.end(JSON.stringify({ error: 'No valid api key found.' }));
        return;
      }
      if (req.method === 'POST' && req.url === '/api/v1/workspace/moat-knowledge/vector-search') {
        res.end(
          JSON.stringify({ results: [{ id: 'a', text: SNIPPET, metadata: { title: 'travel-policy.pdf', docSource: 'gdrive' }, distance: 0.2, score: 0.8 }] }),
        );
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ error: 'not found' }));
    });
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  const a = stub.address();
  url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  dir = mkdtempSync(join(tmpdir(), 'moat-knowledge-tool-'));
  writeFileSync(join(dir, 'knowledge-mcp.mjs'), knowledgeToolScript(reference));
});
afterAll(async () => {
  await new Promise<void>((resolve) => stub.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the rendered server with the env openclaw.json gives it (the URL pointed at the stub) and sends messages in turn. */
async function session(env: Record<string, string>, messages: readonly object[]): Promise<Record<string, unknown>[]> {
  const child = spawn(process.execPath, [join(dir, 'knowledge-mcp.mjs')], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const replies: Record<string, unknown>[] = [];
  const lines = createInterface({ input: child.stdout });
  const want = messages.filter((m) => 'id' in m).length;
  const done = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      replies.push(JSON.parse(line) as Record<string, unknown>);
      if (replies.length === want) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) after ${replies.length} replies`)));
  });
  for (const m of messages) child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...m })}\n`);
  try {
    await done;
  } finally {
    child.kill();
  }
  return replies;
}

const serverEnv = () => (clawdbotConfig(reference) as { mcp: { servers: { knowledge: { env: Record<string, string> } } } }).mcp.servers.knowledge.env;

describe("the bot's knowledge tool (stub AnythingLLM workspace API)", () => {
  it('answers initialize and lists one tool, search_documents, with a query parameter', async () => {
    const [init, list] = await session({ ...serverEnv(), ANYTHINGLLM_URL: url, ANYTHINGLLM_API_KEY: KEY }, [
      { id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'openclaw', version: '2026.9.6' } } },
      { method: 'notifications/initialized' },
      { id: 2, method: 'tools/list', params: {} },
    ]);
    expect(init).toMatchObject({ id: 1, result: { protocolVersion: '2025-06-18', capabilities: { tools: {} } } });
    const tools = (list?.['result'] as { tools?: { name: string; inputSchema: { required: string[] } }[] } | undefined)?.tools ?? [];
    expect(tools.map((t) => t.name)).toEqual(['search_documents']);
    expect(tools[0]?.inputSchema.required).toEqual(['query']);
  });

  it("calls the workspace's vector search with the Bearer key and returns the snippet with its title", async () => {
    seen.length = 0;
    const [, call] = await session({ ...serverEnv(), ANYTHINGLLM_URL: url, ANYTHINGLLM_API_KEY: KEY }, [
      { id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18' } },
      { id: 2, method: 'tools/call', params: { name: 'search_documents', arguments: { query: 'hotel limit Berlin' } } },
    ]);
    const result = call?.['result'] as { content: { type: string; text: string }[]; isError: boolean };
    expect(result.isError).toBe(false);
    expect(result.content[0]?.text).toContain(SNIPPET);
    expect(result.content[0]?.text).toContain('travel-policy.pdf');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.auth).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ query: 'hotel limit Berlin', topN: 4 });
  });

  it('without a key (the substitution left the reference as is) says so and sends nothing', async () => {
    seen.length = 0;
    const env = serverEnv();
    expect(env['ANYTHINGLLM_API_KEY']).toBe(KEY_REFERENCE);
    const [call] = await session({ ...env, ANYTHINGLLM_URL: url }, [
      { id: 7, method: 'tools/call', params: { name: 'search_documents', arguments: { query: 'anything' } } },
    ]);
    expect(call?.['result']).toMatchObject({ isError: true });
    expect(JSON.stringify(call)).toContain('no API key');
    expect(seen).toEqual([]);
  });

  it('a wrong key is reported as the HTTP status, without echoing the key', async () => {
    const [call] = await session({ ...serverEnv(), ANYTHINGLLM_URL: url, ANYTHINGLLM_API_KEY: 'wrong-key-123456' }, [
      { id: 3, method: 'tools/call', params: { name: 'search_documents', arguments: { query: 'x' } } },
    ]);
    expect(JSON.stringify(call)).toContain('HTTP 403');
    expect(JSON.stringify(call)).not.toContain('wrong-key');
  });

  it('refuses unknown methods and tools with JSON-RPC errors', async () => {
    const [a, b] = await session({ ...serverEnv(), ANYTHINGLLM_URL: url }, [
      { id: 1, method: 'resources/list' },
      { id: 2, method: 'tools/call', params: { name: 'rm_rf', arguments: {} } },
    ]);
    expect(a).toMatchObject({ id: 1, error: { code: -32601 } });
    expect(b).toMatchObject({ id: 2, error: { code: -32602 } });
  });
});

describe('the knowledge tool in the bundle', () => {
  const { files } = renderBundle(reference);
  const file = (p: string) => files.find((f) => f.path === p)?.content ?? '';

  it("openclaw.json starts it with the image's node, AnythingLLM's address, the default workspace, and the key only as a reference", () => {
    const server = (JSON.parse(file('clawdbot/openclaw.json')) as { mcp: { servers: Record<string, unknown> } }).mcp.servers['knowledge'];
    expect(server).toEqual({
      command: 'node',
      args: [KNOWLEDGE_TOOL_PATH],
      env: { ANYTHINGLLM_URL: 'http://anythingllm:3001', ANYTHINGLLM_WORKSPACE: 'moat-knowledge', ANYTHINGLLM_API_KEY: KEY_REFERENCE },
      requestTimeoutMs: 30_000,
    });
  });

  it('compose mounts the script read-only and clawdbot depends on anythingllm; no key in compose.yaml', () => {
    const compose = parse(file('compose.yaml')) as { services: Record<string, { volumes?: string[]; depends_on?: Record<string, unknown> }> };
    const claw = compose.services['clawdbot'];
    expect(claw?.volumes?.some((v) => v.endsWith(`:${KNOWLEDGE_TOOL_PATH}:ro`))).toBe(true);
    expect(Object.keys(claw?.depends_on ?? {})).toContain('anythingllm');
    expect(file('compose.yaml')).not.toMatch(/ANYTHINGLLM_API_KEY/);
    expect(file('clawdbot/knowledge-mcp.mjs')).toBe(knowledgeToolScript(reference));
  });
});

describe("the key's way to the bot", () => {
  const values = (extra: Record<string, string>) =>
    new Map(Object.entries({ ...Object.fromEntries(reference.services.flatMap((s) => s.secrets.map((x) => [x.name, `v-${x.name}`]))), ...extra }));
  const claw = reference.services.find((s) => s.name === 'clawdbot');
  const anything = reference.services.find((s) => s.name === 'anythingllm');

  it("secrets/clawdbot.env carries the store's AnythingLLM key once the knowledge step made it, and no other service's file does", () => {
    if (!claw || !anything) throw new Error('the reference platform lacks clawdbot or anythingllm');
    expect(serviceEnvContent(claw, values({}), reference)).not.toContain('ANYTHINGLLM_API_KEY');
    const store = values({ [ANYTHINGLLM_API_KEY_SECRET]: KEY });
    expect(serviceEnvContent(claw, store, reference)).toContain(`ANYTHINGLLM_API_KEY=${KEY}\n`);
    expect(serviceEnvContent(anything, store, reference)).not.toContain(KEY);
  });
});
