// The console process, as its container runs it (moat's bundle mounts this
// program, built into one file, on the official Node.js image): configuration
// from the environment (env.ts), the operator credential and rclone's rc
// password from secrets/console.env, which compose hands to the container as
// every other service's secrets. They are read once and removed from
// process.env, so nothing the console might start inherits them.
import { actionGuard } from './auth.js';
import { platformBackends } from './backends.js';
import { CONSOLE_ENV } from './env.js';
import { consoleServer } from './server.js';

function need(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`the console needs ${name} (moat sets it in compose.yaml and secrets/console.env)`);
  return value;
}
function optional(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}
function secret(name: string): string | undefined {
  const value = optional(name);
  delete process.env[name];
  return value;
}

const token = secret(CONSOLE_ENV.operatorToken);
const rclonePass = secret(CONSOLE_ENV.rclonePass);
if (token === undefined) throw new Error(`the console needs ${CONSOLE_ENV.operatorToken} (moat writes it into secrets/console.env on \`moat up\`)`);
const signalApi = optional(CONSOLE_ENV.signalApi);
const ollama = optional(CONSOLE_ENV.ollama);
const rcloneRc = optional(CONSOLE_ENV.rcloneRc);
const rcloneUser = optional(CONSOLE_ENV.rcloneUser);
const server = consoleServer({
  snapshotFile: need(CONSOLE_ENV.snapshot),
  topologyFile: need(CONSOLE_ENV.topology),
  guard: actionGuard(token, need(CONSOLE_ENV.origins).split(',')),
  backends: platformBackends({
    ...(signalApi ? { signalApi } : {}),
    ...(ollama ? { ollama } : {}),
    ...(rcloneRc && rcloneUser && rclonePass ? { rcloneRc, rcloneUser, rclonePass } : {}),
  }),
});
const port = Number(optional(CONSOLE_ENV.port) ?? '8080');
server.listen(port, optional(CONSOLE_ENV.host) ?? '0.0.0.0', () => process.stdout.write(`moat console listening on ${port}\n`));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.close(() => process.exit(0)));
