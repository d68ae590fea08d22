// Every service moat knows, in the reference's order.
import type { ServiceInput } from '../model/types.js';
import { anythingllm } from './anythingllm.js';
import { clawdbot } from './clawdbot.js';
import { consoleService } from './console.js';
import {
  difyApi,
  difyDb,
  difyNginx,
  difyPluginDaemon,
  difyRedis,
  difySandbox,
  difySsrfProxy,
  difyWeaviate,
  difyWeb,
  difyWorker,
  difyWorkerBeat,
} from './dify.js';
import { gateway } from './gateway.js';
import { gdrive } from './gdrive.js';
import { litellm } from './litellm.js';
import { n8n } from './n8n.js';
import { ollama } from './ollama.js';
import { signalApi } from './signal.js';

export const CATALOG: readonly ServiceInput[] = [
  gateway,
  ollama,
  litellm,
  anythingllm,
  clawdbot,
  difyNginx,
  difyApi,
  difyWorker,
  difyWorkerBeat,
  difyDb,
  difyRedis,
  difyWeaviate,
  n8n,
  signalApi,
  gdrive,
  difyWeb,
  difySandbox,
  difyPluginDaemon,
  difySsrfProxy,
  consoleService,
];
