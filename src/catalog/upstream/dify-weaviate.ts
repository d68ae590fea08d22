import type { UpstreamFacts } from './dify-types.js';

// semitechnologies/weaviate:1.27.0, the version Dify's compose pins (still at
// 1.13.3, 0055b98 docker-compose.yaml). Known flaws checked: CVE-2025-67818
// (backup restore path traversal) and CVE-2025-67819 (FileReplicationService
// file read) affect Weaviate before 1.33.4 (golang/vulndb#4237, #4238). Neither
// is reachable here: no backup module is enabled (no BACKUP_* / ENABLE_MODULES)
// and this is one node (no replication service). Dify's own compose has not
// moved past 1.27.0, so no newer line is pinned without Dify's test of it.
// The image's final stage is `FROM alpine` running /bin/weaviate as root.
export const WEAVIATE_FACTS: UpstreamFacts = {
  image: 'semitechnologies/weaviate',
  version: '1.27.0',
  released: '2024-10-16',
  entrypoint: ['/bin/weaviate'],
  cmd: ['--host', '0.0.0.0', '--port', '8080', '--scheme', 'http'],
  user: 'root',
  writablePaths: ['/var/lib/weaviate'],
  binaries: ['sh', 'wget'],
  envRead: [
    'PERSISTENCE_DATA_PATH',
    'QUERY_DEFAULTS_LIMIT',
    'AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED',
    'DEFAULT_VECTORIZER_MODULE',
    'CLUSTER_HOSTNAME',
    'AUTHENTICATION_APIKEY_ENABLED',
    'AUTHENTICATION_APIKEY_ALLOWED_KEYS',
    'AUTHENTICATION_APIKEY_USERS',
    'AUTHORIZATION_ADMINLIST_ENABLED',
    'AUTHORIZATION_ADMINLIST_USERS',
    'DISABLE_TELEMETRY',
  ],
  sources: [
    'https://github.com/langgenius/dify/blob/0055b983dc32deacc31351c13a555055ffc9b844/docker/docker-compose.yaml (weaviate service, 1.13.3)',
    'https://github.com/weaviate/weaviate/blob/v1.27.0/Dockerfile (FROM alpine, ENTRYPOINT /bin/weaviate)',
    'https://weaviate.io/developers/weaviate/config-refs/env-vars',
    'https://github.com/golang/vulndb/issues/4237',
    'https://github.com/golang/vulndb/issues/4238',
  ],
};
