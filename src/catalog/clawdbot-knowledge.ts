// The bot answers from the Drive documents: a tool `search_documents` that
// asks AnythingLLM's workspace (the one `moat knowledge sync` fills, embedded
// in the platform's Weaviate) for the passages nearest a question.
//
// Mechanism: an MCP server over stdio, which OpenClaw 2026.9.6 supports as a
// config key (`mcp.servers.<name>` with `command`, `args`, `env`:
// docs/gateway/config-extensions.md and docs/tools/mcp.md of the package;
// McpServerSchema in dist/zod-schema-*.mjs: env values are marked sensitive).
// Its tools reach embedded agent turns through the same tool policy as the
// built-in ones. OpenClaw has no AnythingLLM integration, and AnythingLLM
// 1.16.0 is an MCP client, not a server, so moat renders the server: one
// file, `clawdbot/knowledge-mcp.mjs`, mounted read-only and run by the image's
// own node. Written by hand, without the MCP SDK: it answers four methods of
// MCP's JSON-RPC over stdio (initialize, ping, tools/list, tools/call; one JSON
// message per line, https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#stdio),
// and the SDK is not importable from a mounted file in the image.
// The call: POST /api/v1/workspace/{slug}/vector-search {query, topN} with
// `Authorization: Bearer <developer key>`, answering {results: [{text,
// metadata: {title}, score}]} (AnythingLLM 1.16.0 server/endpoints/api/workspace,
// recorded in upstream/anythingllm.ts of the knowledge step).
// `tools.toolSearch: false`: 2026.9.6 otherwise hides tool schemas behind its
// experimental Tool Search (a JavaScript bridge the model must drive,
// docs/tools/tool-search.md: "Set tools.toolSearch: false to restore direct
// schemas"); the platform's small local models call a direct tool far more
// reliably than they write code against a search API.
// The key: ANYTHINGLLM_API_KEY (the knowledge step's secret) reaches the
// gateway's environment through secrets/clawdbot.env, and the server's env
// through `${ANYTHINGLLM_API_KEY}` substitution (docs/gateway/config-secrets-env.md):
// never in openclaw.json or compose.yaml. A missing key leaves the literal
// `${…}` (the substitution keeps unresolved names visible), which the tool
// reports as "no key" instead of sending it.
import { serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';

export const KNOWLEDGE_TOOL_PATH = '/etc/openclaw/knowledge-mcp.mjs';
export const KNOWLEDGE_KEY_ENV = 'ANYTHINGLLM_API_KEY';

/**
 * secrets/clawdbot.env's share of the knowledge step: the store's
 * ANYTHINGLLM_API_KEY (made by `moat knowledge sync`, deploy/knowledge/api-key.ts),
 * under the name openclaw.json substitutes, once there is one. A key made after
 * the env file was written reaches the bot with the next `moat up`.
 */
export function knowledgeKeyEnv(service: string, values: ReadonlyMap<string, string>): Record<string, string> {
  const key = values.get(KNOWLEDGE_KEY_ENV);
  return service === 'clawdbot' && key !== undefined && key !== '' ? { [KNOWLEDGE_KEY_ENV]: key } : {};
}

/** `mcp` key: only when the platform has AnythingLLM. */
export function knowledgeToolConfig(platform: Platform): Record<string, unknown> {
  const anything = serviceByName(platform, 'anythingllm');
  if (!anything) return {};
  return {
    mcp: {
      servers: {
        knowledge: {
          command: 'node',
          args: [KNOWLEDGE_TOOL_PATH],
          env: {
            ANYTHINGLLM_URL: `http://${anything.name}:${anything.ports[0]?.port ?? 3001}`,
            // moat.yaml's knowledge.workspace (default moat-knowledge): the workspace `moat knowledge sync` fills.
            ANYTHINGLLM_WORKSPACE: platform.knowledge.workspace,
            [KNOWLEDGE_KEY_ENV]: `\${${KNOWLEDGE_KEY_ENV}}`,
          },
          requestTimeoutMs: 30_000,
        },
      },
    },
    tools: { toolSearch: false },
  };
}

/** The server's source (plain JavaScript for the image's node; no dependencies). */
export function knowledgeToolScript(_platform: Platform): string {
  return `${KNOWLEDGE_TOOL_SOURCE.trim()}\n`;
}

const KNOWLEDGE_TOOL_SOURCE = String.raw`
// Rendered by moat (src/catalog/clawdbot-knowledge.ts): the bot's search_documents
// tool, an MCP server over stdio asking AnythingLLM's workspace vector search.
import { createInterface } from 'node:readline';

const base = (process.env.ANYTHINGLLM_URL || '').replace(/\/+$/, '');
const slug = process.env.ANYTHINGLLM_WORKSPACE || 'moat-knowledge';
const key = process.env.ANYTHINGLLM_API_KEY || '';
const TOOL = {
  name: 'search_documents',
  description: 'Search the documents synced from Google Drive (the AnythingLLM workspace ' + slug + ') and return the passages that best match the query, with their titles. Use it for any question about those documents.',
  inputSchema: { type: 'object', properties: { query: { type: 'string', description: 'what to look for, in words' } }, required: ['query'] },
};

const send = (message) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\n');

async function search(query) {
  if (key === '' || key.startsWith('$' + '{')) return { isError: true, text: 'The knowledge base has no API key yet (moat knowledge sync creates it).' };
  let response;
  try {
    response = await fetch(base + '/api/v1/workspace/' + encodeURIComponent(slug) + '/vector-search', {
      method: 'POST',
      headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' },
      body: JSON.stringify({ query, topN: 4 }),
      signal: AbortSignal.timeout(20000),
      redirect: 'error',
    });
  } catch (error) {
    return { isError: true, text: 'The knowledge base cannot be reached (' + (error && error.name === 'TimeoutError' ? 'no answer in 20 s' : 'connection failed') + ').' };
  }
  if (!response.ok) return { isError: true, text: 'The knowledge base answered HTTP ' + response.status + '.' };
  const body = await response.json().catch(() => ({}));
  const results = Array.isArray(body.results) ? body.results.filter((r) => r && typeof r.text === 'string') : [];
  if (results.length === 0) return { isError: false, text: 'No passage of the documents matches "' + query + '".' };
  const text = results
    .slice(0, 4)
    .map((r, i) => '[' + (i + 1) + '] ' + (r.metadata && typeof r.metadata.title === 'string' ? r.metadata.title : 'untitled') + '\n' + r.text.slice(0, 4000))
    .join('\n\n');
  return { isError: false, text };
}

async function handle(message) {
  const { id, method, params } = message;
  if (id === undefined || id === null) return; // a notification (notifications/initialized, cancelled)
  if (method === 'initialize') {
    const asked = params && typeof params.protocolVersion === 'string' ? params.protocolVersion : '2025-06-18';
    return send({ id, result: { protocolVersion: asked, capabilities: { tools: {} }, serverInfo: { name: 'moat-knowledge', version: '1' } } });
  }
  if (method === 'ping') return send({ id, result: {} });
  if (method === 'tools/list') return send({ id, result: { tools: [TOOL] } });
  if (method === 'tools/call') {
    const query = params && params.arguments && typeof params.arguments.query === 'string' ? params.arguments.query.slice(0, 2000) : '';
    if (!params || params.name !== TOOL.name) return send({ id, error: { code: -32602, message: 'unknown tool' } });
    if (query.trim() === '') return send({ id, result: { content: [{ type: 'text', text: 'Give a query.' }], isError: true } });
    const out = await search(query);
    return send({ id, result: { content: [{ type: 'text', text: out.text }], isError: out.isError } });
  }
  return send({ id, error: { code: -32601, message: 'method not found' } });
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return send({ id: null, error: { code: -32700, message: 'parse error' } });
  }
  handle(message).catch(() => send({ id: message.id ?? null, error: { code: -32603, message: 'internal error' } }));
});
`;
