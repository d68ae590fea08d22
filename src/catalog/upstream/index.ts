// Upstream facts of every image moat pins, keyed by image repository (the tag
// is each entry's `version`). test/catalog/upstream-facts.test.ts checks every
// rendered service whose image has facts against them.
import { ANYTHINGLLM_FACTS } from './anythingllm.js';
import { DIFY_UPSTREAM } from './dify-index.js';
import { LITELLM_FACTS } from './litellm.js';
import { N8N_FACTS } from './n8n.js';
import { NGINX_FACTS } from './nginx.js';
import { NODE_FACTS } from './node.js';
import { OLLAMA_FACTS } from './ollama.js';
import { OPENCLAW_FACTS } from './openclaw.js';
import { RCLONE_FACTS } from './rclone.js';
import { SIGNAL_CLI_REST_API_FACTS } from './signal-cli-rest-api.js';
import type { UpstreamFacts } from './types.js';

export type { UpstreamFacts } from './types.js';

const ALL: readonly UpstreamFacts[] = [
  NGINX_FACTS,
  OLLAMA_FACTS,
  LITELLM_FACTS,
  ANYTHINGLLM_FACTS,
  OPENCLAW_FACTS,
  N8N_FACTS,
  SIGNAL_CLI_REST_API_FACTS,
  RCLONE_FACTS,
  NODE_FACTS,
  // Dify's images (dify-*.ts), one entry per image.
  ...new Set(Object.values(DIFY_UPSTREAM)),
];

export const UPSTREAM_FACTS: Readonly<Record<string, UpstreamFacts>> = Object.fromEntries(ALL.map((f) => [f.image, f]));

/** Split `repo:tag` (a registry host may carry a port: the tag is after the last `:` past the last `/`). */
export function splitImage(image: string): { readonly repository: string; readonly tag: string } {
  const withoutDigest = image.split('@')[0] ?? image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  return { repository: withoutDigest, tag: '' };
}
