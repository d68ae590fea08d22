// Runs inside the console test's namespace (test/apps/console-gateway.test.ts):
// the platform APIs the console calls, at the static addresses the rendered
// compose.yaml gives them: stubs of the Signal API and of rclone's rc
// (test/console/stubs.ts, one handler on both addresses), of Ollama's pull
// (test/deploy/ollama-stub.ts), and a health endpoint that answers 200 on each
// address listed as healthy. Prints `request <method> <path>` for every Signal
// and rc request, and `ready` once everything listens. Config: a JSON file (argv[2]).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { startPlatformApiStub } from '../console/stubs.js';
import { startOllamaStub } from '../deploy/ollama-stub.js';

interface Listen {
  readonly host: string;
  readonly port: number;
}
interface Config {
  readonly signal: Listen;
  readonly rc: Listen;
  readonly ollama: Listen;
  readonly healthy: readonly Listen[];
}

const config = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Config;
// Each request is logged as it arrives, before its answer: stdout is the log file (written synchronously), so
// a request the page has an answer to is in the log, and one that is not there was not made.
await startPlatformApiStub([config.signal, config.rc], (request) => process.stdout.write(`request ${request}\n`));
// 1.5 GB in 1 MB steps every 2 ms: a pull the page can watch for about three seconds.
await startOllamaStub({ 'llama3.2:3b': { layers: [{ digest: `sha256:${'b'.repeat(64)}`, size: 1_500_000_000 }] } }, [], config.ollama);
await Promise.all(
  config.healthy.map(
    (h) =>
      new Promise<void>((resolve) =>
        createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n')).listen(h.port, h.host, resolve),
      ),
  ),
);
process.stdout.write('ready\n');
