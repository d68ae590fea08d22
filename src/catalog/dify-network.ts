/**
 * The internal network of Dify's code sandbox, as upstream's `ssrf_proxy_network`
 * (`internal: true`, "can not access outside"): only the sandbox, the SSRF
 * proxy, the API, the worker and beat are on it. Sandboxed code needs network
 * (ENABLE_NETWORK=true) and may open raw sockets that ignore HTTP_PROXY, so it
 * must not sit on ai-platform next to Ollama and signal-api (no auth). Fixed
 * subnet, so squid's client list can name it; outside 172.20.0.0/16 and far
 * from Docker's first default address pools.
 * Source: https://github.com/langgenius/dify/blob/1.17.1/docker/docker-compose-template.yaml (ssrf_proxy_network)
 */
export const DIFY_SANDBOX_NETWORK = { name: 'dify-sandbox', subnet: '172.29.94.0/24' } as const;
