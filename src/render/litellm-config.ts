// litellm/config.yaml: one model_list entry per platform.llm.models, served by
// Ollama through LiteLLM's `ollama_chat/` provider (its /api/chat endpoint, the
// one LiteLLM's docs recommend); the embedder through the `ollama/` provider
// (Ollama's embeddings endpoint; `ollama_chat/` is chat only) with
// `model_info.mode: embedding`, so LiteLLM's health checks call it as one; and
// a wildcard `ollama_chat/*`, so a model pulled later (`moat models pull X`)
// is served as `ollama_chat/X` without a hand edit. The master key is read
// from the environment (`os.environ/<VAR>`), never written here; the virtual
// keys' database comes from DATABASE_URL in the same env file.
// Sources: https://docs.litellm.ai/docs/providers/ollama (Ollama Embeddings),
// https://docs.litellm.ai/docs/proxy/configs, https://docs.litellm.ai/docs/proxy/health (mode: embedding),
// https://docs.litellm.ai/docs/wildcard_routing
// Cloud providers (llm.providers): one entry per model, named `<provider>/<model>`,
// `api_key: os.environ/<VAR>` (LiteLLM reads the value from its environment:
// docs.litellm.ai/docs/proxy/configs; the key reaches the container in
// secrets/litellm.env, src/deploy/provider-keys.ts). Prefixes and variables:
// src/catalog/providers.ts. Routing (llm.routing): `router_settings` with
// `routing_strategy` and `fallbacks` ([{model: [fallback, ...]}]), where the
// proxy docs put them (https://docs.litellm.ai/docs/proxy/reliability,
// https://docs.litellm.ai/docs/router/api_reference/configuration); the proxy
// hands every router_settings key that is a litellm.Router argument to the
// Router (litellm/proxy/proxy_server.py, "ROUTER SETTINGS"), and both are.
// Read in the index's copies (docs of 2026-10/11, newer than the 1.83.10 pin);
// both keys are older than the pin (fallbacks since 1.x's Router).
import { LITELLM_ROUTING_STRATEGY, PROVIDERS } from '../catalog/providers.js';
import type { Finding } from '../model/findings.js';
import { effectiveFallbacks, providerModelName } from '../model/llm.js';
import { serviceByName } from '../model/lookup.js';
import type { Service } from '../model/types.js';
import type { Renderer } from './types.js';
import { yamlFile } from './yaml-out.js';

const LITELLM = 'litellm';
const OLLAMA = 'ollama';

export const renderLitellmConfig: Renderer = (platform) => {
  const litellm = serviceByName(platform, LITELLM);
  if (!litellm) return { files: [], warnings: [] };
  const warnings: Finding[] = [];
  const ollama = serviceByName(platform, OLLAMA);
  if (!ollama) {
    warnings.push({
      code: 'render.litellm.no-ollama',
      severity: 'medium',
      path: 'services',
      message: 'LiteLLM is in the platform but Ollama is not: its models point at an address that does not exist',
      hint: 'add the ollama service, or remove litellm',
    });
  }
  // The port comes from the catalog's Ollama entry, like every port moat renders.
  const port = ollama?.ports[0]?.port;
  const apiBase = port === undefined ? `http://${OLLAMA}` : `http://${OLLAMA}:${port}`;
  const embedder = platform.llm.embedder.trim();
  // The embedder is an embedding model even when llm.models lists it too: one entry, as an embedding
  // (two would make one routing group of a chat and an embedding deployment, and Ollama's embedding models do not chat).
  const models = [...new Set(platform.llm.models)].filter((m) => m !== embedder);
  const doc: Record<string, unknown> = {
    model_list: [
      ...models.map((model) => ({
        model_name: model,
        litellm_params: { model: `ollama_chat/${model}`, api_base: apiBase },
      })),
      ...(embedder === ''
        ? []
        : [{ model_name: embedder, litellm_params: { model: `ollama/${embedder}`, api_base: apiBase }, model_info: { mode: 'embedding' } }]),
      { model_name: 'ollama_chat/*', litellm_params: { model: 'ollama_chat/*', api_base: apiBase } },
      ...platform.llm.providers.flatMap((p) => {
        const facts = PROVIDERS[p.name];
        return [...new Set(p.models)].map((m) => ({
          model_name: providerModelName(p.name, m),
          litellm_params: { model: `${facts.prefix}/${m}`, api_key: `os.environ/${facts.keyEnv}` },
        }));
      }),
    ],
  };
  if (platform.llm.routing) {
    const fallbacks = effectiveFallbacks(platform);
    doc['router_settings'] = {
      routing_strategy: LITELLM_ROUTING_STRATEGY,
      ...(fallbacks.length > 0 ? { fallbacks: fallbacks.map((f) => ({ [f.model]: f.to })) } : {}),
    };
    if (fallbacks.length === 0) {
      warnings.push({
        code: 'render.litellm.no-fallbacks',
        severity: 'low',
        path: 'llm.routing',
        message: `llm.routing is ${platform.llm.routing.mode}, but there is nothing to fall back to (no ${platform.llm.providers.length === 0 ? 'provider in llm.providers' : 'local chat model'})`,
        hint: platform.llm.providers.length === 0 ? 'add a provider with `moat providers add NAME`' : 'add a local model to `models`',
      });
    }
  }
  const key = masterKey(litellm);
  if (key) {
    doc['general_settings'] = { master_key: `os.environ/${key.env}` };
  } else {
    warnings.push({
      code: 'render.litellm.no-master-key',
      severity: 'high',
      path: `services.${LITELLM}.secrets`,
      message: 'LiteLLM has no master key secret: its API would accept any caller on the platform network',
      hint: 'give litellm the LITELLM_MASTER_KEY secret',
    });
  }
  const comments = [
    'The master key and DATABASE_URL come from the environment (secrets/litellm.env); their values are never in this file.',
    'Models follow llm.models and llm.embedder of moat.yaml; `ollama_chat/<name>` reaches any other model pulled into Ollama.',
    ...(platform.llm.providers.length > 0
      ? [
          `Provider models follow llm.providers; their keys (${platform.llm.providers.map((p) => PROVIDERS[p.name].keyEnv).join(', ')}) come from secrets/litellm.env too. LiteLLM reaches ${platform.llm.providers.map((p) => PROVIDERS[p.name].apiHost).join(', ')} over HTTPS.`,
        ]
      : []),
  ];
  return { files: [{ path: configPath(litellm), content: yamlFile(doc, comments) }], warnings };
};

function masterKey(service: Service): Service['secrets'][number] | undefined {
  return service.secrets.find((s) => s.env === 'LITELLM_MASTER_KEY') ?? service.secrets.find((s) => s.generate.prefix === 'sk-');
}

/** The bundle file mounted where `--config` points. */
function configPath(service: Service): string {
  const args = service.command ?? [];
  const at = args.indexOf('--config');
  const target = at >= 0 ? args[at + 1] : undefined;
  const volume = service.volumes.find((v) => v.bundleFile !== undefined && (v.target === target || v.target.endsWith('config.yaml')));
  return volume?.bundleFile ?? 'litellm/config.yaml';
}
