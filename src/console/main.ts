// The console process, as its container runs it: configuration from the
// environment (paths of what moat writes, the platform APIs' addresses) and
// the operator credential from a file (a secret mounted by moat, never an
// environment value another process could read from /proc).
import { readFileSync } from 'node:fs';
import { actionGuard } from './auth.js';
import { platformBackends } from './backends.js';
import { consoleServer } from './server.js';

function need(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`the console needs ${name} (moat sets it in compose.yaml)`);
  return value;
}

const token = readFileSync(need('CONSOLE_OPERATOR_TOKEN_FILE'), 'utf8').trim();
const server = consoleServer({
  snapshotFile: need('CONSOLE_SNAPSHOT'),
  topologyFile: need('CONSOLE_TOPOLOGY'),
  guard: actionGuard(token, need('CONSOLE_ORIGINS').split(',')),
  backends: platformBackends({
    signalApi: need('CONSOLE_SIGNAL_API'),
    ollama: need('CONSOLE_OLLAMA'),
    rcloneRc: need('CONSOLE_RCLONE_RC'),
    rcloneUser: need('RCLONE_RC_USER'),
    rclonePass: readFileSync(need('RCLONE_RC_PASS_FILE'), 'utf8').trim(),
  }),
});
const port = Number(process.env['PORT'] ?? '8080');
server.listen(port, process.env['HOST'] ?? '0.0.0.0', () => process.stdout.write(`moat console listening on ${port}\n`));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.close(() => process.exit(0)));
