import type { UpstreamFacts } from './types.js';

// Ollama v0.32.15 (tag 2026-08-19; the newest non-rc release in the stored
// snapshot; images are tagged without the `v`). Dockerfile final stage:
// ubuntu:24.04 with ca-certificates, libvulkan1, libopenblas0 and /usr/bin/ollama
// (no curl, no wget), `ENV OLLAMA_HOST=0.0.0.0:11434`,
// `ENV NVIDIA_VISIBLE_DEVICES=all`, `ENTRYPOINT ["/bin/ollama"]`,
// `CMD ["serve"]`, no USER (root). Models: envconfig.Models() =
// $OLLAMA_MODELS or ~/.ollama/models. Env names: envconfig/config.go.
export const OLLAMA_FACTS: UpstreamFacts = {
  image: 'ollama/ollama',
  version: '0.32.15',
  released: '2026-08-19',
  entrypoint: ['/bin/ollama'],
  cmd: ['serve'],
  user: 'root',
  writablePaths: ['/root/.ollama'],
  binaries: ['sh', 'bash', 'ollama'],
  envRead: [
    'OLLAMA_HOST',
    'OLLAMA_KEEP_ALIVE',
    'OLLAMA_MODELS',
    'OLLAMA_NO_CLOUD',
    'OLLAMA_ORIGINS',
    'OLLAMA_NUM_PARALLEL',
    'OLLAMA_MAX_LOADED_MODELS',
    'OLLAMA_MAX_QUEUE',
    'OLLAMA_CONTEXT_LENGTH',
    'OLLAMA_FLASH_ATTENTION',
    'OLLAMA_KV_CACHE_TYPE',
    'OLLAMA_DEBUG',
    'OLLAMA_NOPRUNE',
    'OLLAMA_LOAD_TIMEOUT',
    'OLLAMA_AUTH',
    'OLLAMA_VULKAN',
  ],
  sources: ['https://github.com/ollama/ollama/blob/v0.32.15/Dockerfile', 'https://github.com/ollama/ollama/blob/v0.32.15/envconfig/config.go'],
};
