// Run inside an app-test namespace (test/apps/openclaw-signal.test.ts), at the
// static addresses the rendered config names:
// - a stub OpenAI-compatible model at litellm:4000 that can call a tool:
//   POST /v1/chat/completions (streamed as `chat.completion.chunk` events
//   ending in `data: [DONE]`, or not), per OpenAI's Chat Completions
//   reference: when the request offers a tool whose name ends in
//   `search_documents` and the user asks about the travel policy, it answers
//   with `tool_calls` (finish_reason "tool_calls"); once a `tool` message is in
//   the conversation it answers "From the documents: <that message>"; else a
//   greeting. GET /v1/models lists one model.
// - a stub AnythingLLM 1.16.0 at anythingllm:3001: POST
//   /api/v1/workspace/{slug}/vector-search with `Authorization: Bearer <key>`
//   → {results: [{text, metadata: {title}, score}]}; 403 for another key.
// Every request is logged as one line (bodies cut); `ready` once listening.
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';

interface Config {
  readonly model: { readonly address: string; readonly port: number };
  readonly anythingllm: {
    readonly address: string;
    readonly port: number;
    readonly key: string;
    readonly workspace: string;
    readonly snippet: string;
    readonly title: string;
  };
}
const config = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Config;
const log = (line: string): void => void process.stdout.write(`${line}\n`);

interface Message {
  readonly role: string;
  readonly content?: unknown;
}
interface ChatRequest {
  readonly model?: string;
  readonly stream?: boolean;
  readonly messages?: readonly Message[];
  readonly tools?: readonly { readonly function?: { readonly name?: string } }[];
}

const text = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((p) => (typeof p === 'object' && p && 'text' in p ? String((p as { text: unknown }).text) : '')).join('')
      : '';

function reply(res: ServerResponse, req: ChatRequest, message: { content: string | null; tool_calls?: object[] }, finish: string): void {
  const base = { id: 'chatcmpl-stub', created: Math.floor(Date.now() / 1000), model: req.model ?? 'llama3.2:3b' };
  if (!req.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
        usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: object, f: string | null): string =>
    `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: f }] })}\n\n`;
  res.write(chunk({ role: 'assistant', content: '' }, null));
  if (message.tool_calls) res.write(chunk({ tool_calls: message.tool_calls.map((c, index) => ({ index, ...c })) }, null));
  else res.write(chunk({ content: message.content ?? '' }, null));
  res.write(chunk({}, finish));
  res.write(
    `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 } })}\n\n`,
  );
  res.end('data: [DONE]\n\n');
}

const model = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'llama3.2:3b', object: 'model', created: 0, owned_by: 'stub' }] }));
      return;
    }
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}`, type: 'not_found' } }));
      return;
    }
    const parsed = JSON.parse(body) as ChatRequest;
    const messages = parsed.messages ?? [];
    const tools = (parsed.tools ?? []).map((t) => t.function?.name ?? '');
    // This turn: the messages after the last assistant answer (OpenClaw adds its own context as a user message too).
    const lastAnswer = messages.map((m) => m.role).lastIndexOf('assistant');
    const turn = messages.slice(lastAnswer + 1);
    // A tool's answer in this turn (OpenClaw may add a context message after it).
    const toolResult = turn.find((m) => m.role === 'tool');
    const lastUser = turn
      .filter((m) => m.role === 'user')
      .map((m) => text(m.content))
      .join('\n');
    log(
      `model-stub POST ${path} stream=${parsed.stream === true} tools=${tools.join(',')} roles=${messages.map((m) => m.role).join(',')} user=${JSON.stringify(lastUser.slice(0, 300))}`,
    );
    const search = tools.find((n) => n.endsWith('search_documents'));
    if (toolResult) return reply(res, parsed, { content: `From the documents: ${text(toolResult.content).slice(0, 1500)}` }, 'stop');
    if (search && /travel policy/i.test(lastUser)) {
      return reply(
        res,
        parsed,
        {
          content: null,
          tool_calls: [{ id: 'call_moat_1', type: 'function', function: { name: search, arguments: JSON.stringify({ query: 'travel policy hotel' }) } }],
        },
        'tool_calls',
      );
    }
    return reply(res, parsed, { content: 'Hello from the stub model.' }, 'stop');
  });
});

const a = config.anythingllm;
const anything = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    const authorized = req.headers.authorization === `Bearer ${a.key}`;
    log(`anythingllm-stub ${req.method} ${req.url} authorized=${authorized} ${body.slice(0, 300)}`);
    res.setHeader('content-type', 'application/json');
    if (!authorized) {
      res.statusCode = 403;
      res.end(JSON.stringify({ error: 'No valid api key found.' }));
      return;
    }
    if (req.method === 'POST' && req.url === `/api/v1/workspace/${a.workspace}/vector-search`) {
      res.end(JSON.stringify({ results: [{ id: 'doc-1', text: a.snippet, metadata: { title: a.title }, distance: 0.2, score: 0.8 }] }));
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ error: 'not found' }));
  });
});

await Promise.all([
  new Promise<void>((resolve) => model.listen(config.model.port, config.model.address, resolve)),
  new Promise<void>((resolve) => anything.listen(a.port, a.address, resolve)),
]);
log('ready');
