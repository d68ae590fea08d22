import { CONSOLE_ENV } from '../console/env.js';
import { ROOT_ROUTE_SERVICE } from '../model/config-routes.js';
import { defineService, wgetCheck } from './define.js';
import { RCLONE_RC_PASS_SECRET } from './gdrive.js';
import { pinnedImage } from './upstream/dify-index.js';
import { NODE_FACTS } from './upstream/node.js';

// The console (src/console/): moat's start page, served by the gateway at / of
// the main origin, so the reference's one door stays the only door. It is
// moat's own program, built into one CommonJS file (scripts/bundle.mjs:
// dist/console.cjs) that the bundle carries as console/console.cjs, mounted
// read-only and run by the official Node.js image (upstream/node.ts) as the
// image's node user (uid 1000): the image's entrypoint runs `node FILE` as
// given. What only moat knows (each app's URL, the proof's matrix, the last
// backup, probe and audit, the certificate) it reads from console/state/,
// which moat rewrites atomically (status.json, topology.svg; mounted
// read-only as a directory, so a rename is seen); live health and the actions
// go to the platform's own APIs on the private network (host-env.ts gives the
// addresses of those the platform has). It never sees the Docker socket.
// Actions need the operator credential (CONSOLE_OPERATOR_TOKEN, generated;
// `moat secrets --show CONSOLE_OPERATOR_TOKEN`); rclone's rc password is the
// Drive sync's own secret (the same name: one value), for core/stats.
/** The one service the model lets take / of the main origin (model/config-routes.ts). */
export const CONSOLE_SERVICE = ROOT_ROUTE_SERVICE;
export const CONSOLE_PORT = 8080;
export const CONSOLE_STATE_DIR = '/var/lib/moat-console';
export const CONSOLE_PROGRAM_PATH = '/opt/moat-console/console.cjs';
/** Bundle paths: the program, and the directory moat writes the status into. */
export const CONSOLE_PROGRAM_FILE = 'console/console.cjs';
export const CONSOLE_STATE_BUNDLE_DIR = 'console/state';

export const consoleService = defineService({
  name: CONSOLE_SERVICE,
  title: 'moat console',
  description: "Start page: each app's URL and health, the exposure picture, certificate, backups, and the day-2 actions",
  origin: 'addition',
  image: pinnedImage(NODE_FACTS),
  address: '172.20.0.3',
  ports: [{ port: CONSOLE_PORT, protocol: 'tcp', purpose: 'console web UI (routed as / of the main origin)' }],
  command: ['node', CONSOLE_PROGRAM_PATH],
  env: {
    NODE_ENV: 'production',
    [CONSOLE_ENV.host]: '0.0.0.0',
    [CONSOLE_ENV.port]: String(CONSOLE_PORT),
    [CONSOLE_ENV.snapshot]: `${CONSOLE_STATE_DIR}/status.json`,
    [CONSOLE_ENV.topology]: `${CONSOLE_STATE_DIR}/topology.svg`,
  },
  secrets: [
    {
      name: 'CONSOLE_OPERATOR_TOKEN',
      env: CONSOLE_ENV.operatorToken,
      policy: 'rotatable',
      generate: { bytes: 32, encoding: 'hex' },
      why: "the operator credential: the console's actions (Signal linking, model pulls) need it; viewing does not",
    },
    // The Drive sync's own secret (gdrive.ts): one definition, so one value read by both.
    RCLONE_RC_PASS_SECRET,
  ],
  volumes: [
    {
      name: 'console-program',
      target: CONSOLE_PROGRAM_PATH,
      purpose: "moat's console program (one file, built from src/console)",
      readOnly: true,
      bundleFile: CONSOLE_PROGRAM_FILE,
    },
    {
      name: 'console-state',
      target: CONSOLE_STATE_DIR,
      purpose: 'the status snapshot and topology picture moat writes (up, status, backup, probe, audit)',
      readOnly: true,
      bundleFile: CONSOLE_STATE_BUNDLE_DIR,
    },
  ],
  healthcheck: {
    test: wgetCheck(`http://127.0.0.1:${CONSOLE_PORT}/healthz`),
    expects: 'the console answers 200 on /healthz',
    startPeriodSeconds: 5,
  },
  hardening: { readOnlyRootFs: true, user: '1000:1000', tmpfs: ['/tmp'] },
  exposure: 'routed',
  startBudgetSeconds: 30,
  sources: [...NODE_FACTS.sources],
});
