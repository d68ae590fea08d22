// Codes of the commands that change moat.yaml or the host (src/cli/config-edit.ts,
// providers, routing, add/remove service, host init).
import type { CodeDoc } from './types.js';

/** Editing moat.yaml in place. */
export const CONFIG_EDIT_CODE_DOCS = [
  {
    code: 'config.changed-meanwhile',
    severity: 'high',
    title: 'moat.yaml changed while moat was editing it',
    help: 'moat reads moat.yaml, computes its change and writes the file back in one atomic rename; before writing it reads the file again, and if the bytes differ (an editor saved it meanwhile, another moat command ran) it writes nothing, so the other change is not lost. Run the command again.',
  },
  {
    code: 'config.edit-unsupported',
    severity: 'high',
    title: 'moat cannot edit this part of moat.yaml without rewriting what you wrote',
    help: 'moat edits moat.yaml by changing only the lines of the entry concerned, so comments, order and formatting stay as written. A path that runs through a YAML alias (*name), a file with YAML errors, or a value that is not a mapping where the edit needs one cannot be edited that way. Make the change by hand, or write out the aliased value.',
  },
  {
    code: 'config.unknown-fallback-model',
    severity: 'high',
    title: 'A fallback names a model LiteLLM does not serve',
    help: 'Every model named in llm.routing.fallbacks must be one LiteLLM serves: a local model of `models` (or the embedder), or a provider model written `<provider>/<model>` (e.g. openai/gpt-4o-mini) of llm.providers. LiteLLM would fail the request instead of falling back.',
  },
] as const satisfies readonly CodeDoc[];

/** LiteLLM's routing (src/render/litellm-config.ts). */
export const LITELLM_ROUTING_CODE_DOCS = [
  {
    code: 'render.litellm.no-fallbacks',
    severity: 'low',
    title: 'Routing is set, but there is nothing to fall back to',
    help: 'llm.routing (local-first or cloud-first) makes every local chat model fall back to the cloud models, or the reverse. With no provider in llm.providers (or no local chat model) there is no fallback to render: LiteLLM routes as it would without the setting. Add a provider (`moat providers add NAME`) or a local model.',
  },
] as const satisfies readonly CodeDoc[];

/** Provider keys reaching LiteLLM (src/deploy/provider-keys.ts). */
export const PROVIDER_DEPLOY_CODE_DOCS = [
  {
    code: 'deploy.provider-key-missing',
    severity: 'high',
    title: 'A provider in moat.yaml has no key in the secrets store',
    help: 'llm.providers names a provider whose key (e.g. OPENAI_API_KEY) is not in the secrets store, so LiteLLM would call it without credentials. Add it with `moat providers add NAME` (key on standard input or --key-file), or remove the provider from moat.yaml.',
  },
] as const satisfies readonly CodeDoc[];

/** The ops commands themselves. */
export const OPS_CODE_DOCS = [
  {
    code: 'cli.key-as-argument',
    severity: 'high',
    title: 'An API key was given on the command line',
    help: 'A command line is visible to every user of the host (ps, /proc/<pid>/cmdline) and lands in shell history. moat reads a provider key only from standard input (`moat providers add openai < key.txt`, or typed at the prompt, not echoed) or from a file (`--key-file FILE`). Nothing was stored; revoke the key if the command line was logged.',
  },
  {
    code: 'cli.unknown-provider',
    severity: 'high',
    title: 'A provider moat does not know',
    help: 'moat knows the OpenAI-compatible providers LiteLLM documents with a fixed prefix and key variable: openai, anthropic, gemini (Google), groq, openrouter, mistral. The hint suggests the closest name.',
  },
  {
    code: 'cli.bad-key',
    severity: 'high',
    title: 'The key read is empty or cannot be stored',
    help: 'The key must be one line of printable characters without spaces, quotes or backslashes (the secrets store and the env file LiteLLM reads carry values unquoted). Check that the file or input holds only the key.',
  },
  {
    code: 'cli.service-exists',
    severity: 'high',
    title: 'A service of that name exists already',
    help: '`moat add service` adds a service the platform does not have. To change an existing one, edit its entry under services: in moat.yaml (or remove it first).',
  },
  {
    code: 'cli.service-in-use',
    severity: 'high',
    title: 'Other services depend on the service being removed',
    help: 'Services list it in dependsOn, so they would not start without it. Remove or change those services first; the message names them.',
  },
  {
    code: 'cli.proof-failed',
    severity: 'high',
    title: 'The change makes the proof fail',
    help: 'moat proves the platform with the change (as `moat check` would) before it writes moat.yaml. The change adds high or critical findings, printed above; nothing was written. Fix what they say, or pass --force to write it anyway (`moat up` refuses it again unless forced).',
  },
  {
    code: 'cli.host-command-failed',
    severity: 'high',
    title: 'A command moat host init runs failed',
    help: 'moat host init runs the bootstrap, tailscale, ip and systemctl. One exited with an error; the message shows what it ran and what it said. Fix that (often: run as root, or bring Tailscale up with an auth key) and run moat host init again: every step is idempotent.',
  },
  {
    code: 'cli.host-unexpected-output',
    severity: 'high',
    title: 'A host command printed something moat cannot read',
    help: "tailscale ip -4, tailscale status --json or ip -j route show default printed output moat could not read as the address, name or interface it needs. The message shows the output; check the tool's version, or set the value in moat.yaml by hand.",
  },
] as const satisfies readonly CodeDoc[];
