// exec in a service's container through a stub Engine API on a unix socket
// that speaks Docker's documented exec protocol: create (201 {Id}), start with
// a connection upgrade (101, raw stream: stdin in until the client's
// half-close, stdout/stderr out in 8-byte-header frames), inspect {ExitCode}.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeEngine } from '../../src/deploy/compose-engine.js';
import { EngineCommandError } from '../../src/deploy/engine.js';
import { demultiplex, engineExec } from '../../src/deploy/engine-exec.js';

let dir = '';
let server: Server | undefined;
let created: { path: string; body: Record<string, unknown> }[] = [];
let received = '';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const CONTAINER = {
  Id: 'c0ffee',
  Name: '/moat-x_dify-db_1',
  Config: { Labels: { 'com.docker.compose.service': 'dify-db', 'com.docker.compose.project': 'moat-x' } },
  State: { Status: 'running', ExitCode: 0 },
  RestartCount: 0,
  NetworkSettings: { Networks: {}, Ports: {} },
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moat-exec-stub-'));
  created = [];
  received = '';
  server = createServer(async (req, res) => {
    const url = req.url ?? '';
    const send = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'GET' && url.startsWith('/containers/json')) return send(200, [{ Id: CONTAINER.Id }]);
    if (req.method === 'GET' && url === `/containers/${CONTAINER.Id}/json`) return send(200, CONTAINER);
    if (req.method === 'POST' && /^\/containers\/[^/]+\/exec$/.test(url)) {
      const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      created.push({ path: url, body });
      if (!url.includes(CONTAINER.Id)) return send(404, { message: 'No such container' });
      return send(201, { Id: 'exec1' });
    }
    if (req.method === 'GET' && url === '/exec/exec1/json') return send(200, { ExitCode: 3, Running: false });
    send(404, { message: `stub: no route ${req.method} ${url}` });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, first: Buffer) => {
    // POST /exec/exec1/start with Connection: Upgrade, Upgrade: tcp.
    let head = first.toString('utf8');
    socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    socket.on('data', (c: Buffer) => {
      head += c.toString('utf8');
    });
    socket.on('end', () => {
      // The start request's JSON body arrives first on the hijacked stream; the command's input follows it.
      const body = head.slice(head.indexOf('}') + 1);
      received = body;
      socket.write(frame(1, `read ${body.length} bytes\n`));
      socket.write(frame(2, 'ERROR:  relation "x" does not exist\n'));
      socket.end(frame(1, 'bye\n'));
    });
    void req;
  });
  await new Promise<void>((resolve) => server!.listen(join(dir, 'api.sock'), resolve));
});

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const endpoint = () => ({ socketPath: join(dir, 'api.sock') });

describe('exec through the Engine API (stub speaking the documented exec protocol)', () => {
  it('feeds stdin until the half-close, splits stdout from stderr, and reports the exit code', async () => {
    const input = 'SELECT 1;\nSELECT 2;\n';
    const result = await engineExec(endpoint(), CONTAINER.Id, ['psql', '-f', '-'], input);
    expect(received).toBe(input);
    expect(result).toEqual({ exitCode: 3, stdout: `read ${input.length} bytes\nbye\n`, stderr: 'ERROR:  relation "x" does not exist\n' });
    expect(created[0]?.body).toEqual({ AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false, Cmd: ['psql', '-f', '-'] });
  });

  it("the compose adapters find the service's running container by its labels; argv carries no input", async () => {
    const engine = composeEngine(
      'compose-v1',
      { project: 'moat-x', bundleDir: join(dir, 'deploy'), composeFile: join(dir, 'deploy', 'compose.yaml') },
      endpoint(),
    );
    const secret = 'PASSWORD-value-0123456789';
    const result = await engine.exec('dify-db', ['sh', '-c', 'psql -f -'], `ALTER ROLE x PASSWORD '${secret}';`);
    expect(result.exitCode).toBe(3);
    expect(created[0]?.path).toBe(`/containers/${CONTAINER.Id}/exec`);
    expect(JSON.stringify(created[0]?.body)).not.toContain(secret);
    const missing = await engine.exec('n8n', ['true']).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(EngineCommandError);
    expect((missing as Error).message).toContain('n8n has no running container');
  });

  it('prints the command a user runs: compose v2 on the bundle file, v1 by container name', () => {
    const t = { project: 'ai-platform', bundleDir: '/srv/moat/deploy', composeFile: '/srv/moat/deploy/compose.yaml' };
    expect(composeEngine('compose-v2', t, endpoint()).execCommand('clawdbot', ['node', 'openclaw.mjs', 'devices', 'list'])).toEqual([
      'docker',
      'compose',
      '-p',
      'ai-platform',
      '--project-directory',
      '/srv/moat/deploy',
      '-f',
      '/srv/moat/deploy/compose.yaml',
      'exec',
      'clawdbot',
      'node',
      'openclaw.mjs',
      'devices',
      'list',
    ]);
    expect(composeEngine('compose-v1', t, endpoint()).execCommand('clawdbot', ['node', 'openclaw.mjs'])).toEqual([
      'docker',
      'exec',
      '-it',
      'ai-platform_clawdbot_1',
      'node',
      'openclaw.mjs',
    ]);
  });

  it('demultiplexes frames, ignoring a truncated tail', () => {
    const data = Buffer.concat([frame(1, 'a'), frame(2, 'b'), frame(1, 'c'), Buffer.from([1, 0, 0])]);
    expect(demultiplex(data)).toEqual({ stdout: 'ac', stderr: 'b' });
  });
});
