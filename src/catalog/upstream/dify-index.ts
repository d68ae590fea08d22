// Which upstream facts each Dify-family service of the catalog is checked against.
import { DIFY_API_FACTS, DIFY_WEB_FACTS } from './dify-api.js';
import { DIFY_PLUGIN_DAEMON_FACTS } from './dify-plugin-daemon.js';
import { POSTGRES_FACTS } from './dify-postgres.js';
import { REDIS_FACTS } from './dify-redis.js';
import { DIFY_SANDBOX_FACTS } from './dify-sandbox.js';
import { SQUID_FACTS } from './dify-squid.js';
import type { UpstreamFacts } from './dify-types.js';
import { WEAVIATE_FACTS } from './dify-weaviate.js';
import { NGINX_FACTS } from './nginx.js';

export const DIFY_UPSTREAM: Readonly<Record<string, UpstreamFacts>> = {
  'dify-api': DIFY_API_FACTS,
  'dify-worker': DIFY_API_FACTS,
  'dify-worker-beat': DIFY_API_FACTS,
  'dify-web': DIFY_WEB_FACTS,
  'dify-sandbox': DIFY_SANDBOX_FACTS,
  'dify-plugin-daemon': DIFY_PLUGIN_DAEMON_FACTS,
  'dify-db': POSTGRES_FACTS,
  'dify-redis': REDIS_FACTS,
  'dify-weaviate': WEAVIATE_FACTS,
  'dify-ssrf-proxy': SQUID_FACTS,
  'dify-nginx': NGINX_FACTS,
};

/** `image:tag` of a facts entry, as a catalog entry pins it. */
export function pinnedImage(facts: UpstreamFacts): string {
  return `${facts.image}:${facts.version}`;
}
