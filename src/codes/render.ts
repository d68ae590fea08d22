// Codes of the renderers (src/render): warnings about the platform noticed
// while writing the bundle. Compose's internal-network conflict is declared
// in src/render/compose.ts beside the code that emits it.
import type { CodeDoc } from './types.js';

export const RENDER_CODE_DOCS = [
  {
    code: 'render.clawdbot.bad-signal-account',
    severity: 'high',
    title: "The bot's Signal number is not in E.164 form",
    help: 'services.clawdbot.env.SIGNAL_ACCOUNT names the Signal account the bot answers on. A value that is not E.164 (+, the country code, the number; no spaces, no leading 0) cannot be an account, so moat renders no Signal channel. Write the number as Signal shows it in Settings, e.g. "+4915112345678".',
  },
  {
    code: 'render.cloud.user-data-too-large',
    severity: 'high',
    title: "The instance's user data is larger than EC2 accepts",
    help: "With --with-instance, moat puts the bootstrap and the host files into the instance's cloud-init user data. EC2 accepts at most 16 KB of it before base64 encoding, so an instance rendered with more does not launch. Render without --with-instance and copy the bundle to the host, or run `moat host init` there.",
  },
  {
    code: 'render.admin-cidr-world',
    severity: 'high',
    title: 'The rendered firewall opens SSH to the whole internet',
    help: 'host.adminCidr covers every address, so the security group and host firewall moat renders let anyone try SSH. SSH is meant for the admin only: set host.adminCidr to your own address as a /32 (or /128).',
  },
  {
    code: 'render.compose.published-backend',
    severity: 'high',
    title: 'A backend publishes a port on the host',
    help: "Only the gateway should publish ports: a published backend is reachable past the gateway's TLS, headers and routing, and Docker's published ports bypass the host's INPUT chain. Remove the publication and route the service through the gateway, or reach it with `docker exec`.",
  },
  {
    code: 'render.compose.broad-capability',
    severity: 'medium',
    title: 'A service gets back a broad Linux capability',
    help: 'Every service runs with cap_drop: ALL; a broad capability added back (SYS_ADMIN, NET_ADMIN, SYS_PTRACE...) undoes much of that, and a compromised service can use it to escape or reconfigure the network. Keep it only if the service needs it, and keep that service off the gateway.',
  },
  {
    code: 'render.gateway.unknown-service',
    severity: 'high',
    title: 'A gateway route names a service that is not in the platform',
    help: 'The route is left out of the rendered nginx.conf: nginx would refuse an upstream it cannot resolve, and the gateway would not start. Name a service of the platform, or remove the route.',
  },
  {
    code: 'render.gateway.no-health-endpoint',
    severity: 'low',
    title: 'The gateway serves no health endpoint',
    help: "The gateway's health check names no http://127.0.0.1:<port>/<path> URL, so the rendered nginx.conf has no health server and the container health check cannot pass. Give the gateway a check of http://127.0.0.1:8081/healthz.",
  },
  {
    code: 'render.internal-proxy.unknown-service',
    severity: 'high',
    title: 'An internal proxy route names a service that is not in the platform',
    help: "An internal proxy (Dify's nginx) routes a path to a service that does not exist; the route is left out of its config, so requests for that path fail. Name a service of the platform, or remove the route.",
  },
  {
    code: 'render.litellm.no-ollama',
    severity: 'medium',
    title: 'LiteLLM without Ollama',
    help: "LiteLLM's rendered models point at Ollama's address; with Ollama disabled they point at nothing, and every model call fails. Add the ollama service, or remove litellm.",
  },
  {
    code: 'render.litellm.no-master-key',
    severity: 'high',
    title: 'LiteLLM has no master key',
    help: "Without LITELLM_MASTER_KEY, LiteLLM's proxy accepts any caller on the platform network, so any compromised service can spend the models and read the usage data. Give litellm the LITELLM_MASTER_KEY secret.",
  },
] as const satisfies readonly CodeDoc[];
