import { defineService } from './define.js';

// Ollama 0.32.15 (upstream/ollama.ts). It has no authentication: it must stay
// on the platform network. The image (ubuntu:24.04 + /usr/bin/ollama) has
// neither curl nor wget; `ollama list` talks to the server's API, so it fails
// until the server answers. OLLAMA_HOST sets the bind address (and is also
// where the `ollama` client connects: 0.0.0.0 reaches the local server).
// OLLAMA_NO_CLOUD=1: no cloud features (remote inference, web search;
// envconfig.NoCloud): a sealed platform runs only local models.
// GPU: the image is CUDA/ROCm/Vulkan-capable (NVIDIA_VISIBLE_DEVICES=all), but a
// container sees a GPU only with a device reservation (compose
// `deploy.resources.reservations.devices: [{ driver: nvidia, count: all,
// capabilities: [gpu] }]`), which fails to start on a host without the NVIDIA
// container toolkit. moat renders none, so inference runs on CPU; on a GPU host
// add the reservation in a compose override file.
// Sources: https://github.com/ollama/ollama/blob/v0.32.15/Dockerfile,
// https://github.com/ollama/ollama/blob/v0.32.15/envconfig/config.go,
// https://github.com/ollama/ollama/blob/v0.32.15/docs/docker.mdx,
// https://docs.docker.com/compose/how-tos/gpu-support/
export const ollama = defineService({
  name: 'ollama',
  title: 'Ollama',
  description: 'Local LLM inference',
  origin: 'reference',
  image: 'ollama/ollama:0.32.15',
  address: '172.20.0.10',
  ports: [{ port: 11434, protocol: 'tcp', purpose: 'Local LLM inference (HTTP API, no auth)' }],
  env: { OLLAMA_HOST: '0.0.0.0:11434', OLLAMA_KEEP_ALIVE: '10m', OLLAMA_NO_CLOUD: '1' },
  volumes: [{ name: 'ollama-models', target: '/root/.ollama', purpose: 'downloaded models' }],
  healthcheck: { test: ['CMD', 'ollama', 'list'], expects: 'the Ollama API answers `ollama list`', startPeriodSeconds: 20 },
  hardening: { readOnlyRootFs: false },
  exposure: 'never-route',
  startBudgetSeconds: 120,
  sources: ['https://github.com/ollama/ollama/blob/v0.32.15/Dockerfile', 'https://github.com/ollama/ollama/blob/v0.32.15/envconfig/config.go'],
});
