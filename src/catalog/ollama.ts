import { defineService } from './define.js';

// Ollama has no authentication: it must stay on the platform network.
// The image has neither curl nor wget; `ollama list` talks to the server's API,
// so it fails until the server answers. OLLAMA_HOST sets the bind address (and
// is also where the `ollama` client connects: 0.0.0.0 reaches the local server).
// Sources: https://github.com/ollama/ollama/blob/main/docs/faq.md (OLLAMA_HOST),
// https://github.com/ollama/ollama/issues/1378 (no curl in the image)
export const ollama = defineService({
  name: 'ollama',
  title: 'Ollama',
  description: 'Local LLM inference',
  origin: 'reference',
  image: 'ollama/ollama:0.6.8',
  address: '172.20.0.10',
  ports: [{ port: 11434, protocol: 'tcp', purpose: 'Local LLM inference (HTTP API, no auth)' }],
  env: { OLLAMA_HOST: '0.0.0.0:11434', OLLAMA_KEEP_ALIVE: '10m' },
  volumes: [{ name: 'ollama-models', target: '/root/.ollama', purpose: 'downloaded models' }],
  healthcheck: { test: ['CMD', 'ollama', 'list'], expects: 'the Ollama API answers `ollama list`', startPeriodSeconds: 20 },
  hardening: { readOnlyRootFs: false },
  exposure: 'never-route',
  startBudgetSeconds: 120,
  sources: ['https://github.com/ollama/ollama/blob/main/docs/faq.md'],
});
