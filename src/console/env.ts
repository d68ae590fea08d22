// The console's configuration, by environment name: what its container gets
// in compose.yaml (src/catalog/console.ts and host-env.ts set them) and what
// main.ts reads. One list, so the catalog's upstream-facts test knows these
// names are read by moat's own program, not by the Node.js image.
export const CONSOLE_ENV = {
  /** moat's status snapshot (JSON), in the state directory moat writes. */
  snapshot: 'CONSOLE_SNAPSHOT',
  /** The exposure picture moat draws beside it. */
  topology: 'CONSOLE_TOPOLOGY',
  /** The console's own origins as the browser names them (comma separated), for the action guard. */
  origins: 'CONSOLE_ORIGINS',
  /** The platform APIs the actions call; each is optional (a platform without it has no such action). */
  signalApi: 'CONSOLE_SIGNAL_API',
  ollama: 'CONSOLE_OLLAMA',
  rcloneRc: 'CONSOLE_RCLONE_RC',
  rcloneUser: 'RCLONE_RC_USER',
  /** Secrets (secrets/console.env, written by `moat up`). */
  rclonePass: 'RCLONE_RC_PASS',
  operatorToken: 'CONSOLE_OPERATOR_TOKEN',
  host: 'HOST',
  port: 'PORT',
} as const;

export const CONSOLE_ENV_NAMES: readonly string[] = Object.values(CONSOLE_ENV);
