// Codes of deployment and operation (src/deploy, `moat up`, `moat secrets`,
// `moat logs`...): start order and the secrets store.
import type { CodeDoc } from './types.js';

export const DEPLOY_CODE_DOCS = [
  {
    code: 'deploy.unknown-dependency',
    severity: 'high',
    title: 'A service depends on one that is not in the platform',
    help: 'The start order cannot be computed: a dependsOn entry names a service that is disabled or does not exist. Enable it, or remove the dependency.',
  },
  {
    code: 'deploy.unknown-service',
    severity: 'high',
    title: 'No service by that name',
    help: 'A command was given a service name (moat logs NAME, moat up NAME) that the platform does not have. The hint suggests the closest name; `moat status` lists them.',
  },
  {
    code: 'deploy.dependency-cycle',
    severity: 'high',
    title: 'Services depend on each other in a cycle',
    help: 'None of the services in the cycle can start first, so none of them start. Remove one dependsOn entry of the cycle.',
  },
  {
    code: 'secrets.unknown',
    severity: 'high',
    title: 'No secret by that name',
    help: 'A secrets command named a secret the platform does not have. `moat secrets` lists them; the hint suggests the closest name.',
  },
  {
    code: 'secrets.known-default',
    severity: 'critical',
    title: 'The secrets store holds a published upstream default',
    help: "A secret in the store has a value from an upstream sample or docs (Dify's sample SECRET_KEY, LiteLLM's sk-1234): anyone who read the sample can use it. Rotate it (`moat secrets rotate NAME`); a never-rotate secret can only be replaced on a new deployment.",
  },
  {
    code: 'secrets.unusable-value',
    severity: 'high',
    title: 'A secret value env files cannot carry',
    help: 'The value is empty or contains whitespace, quotes or backslashes, which Compose versions read differently from an env file, so the service could get another value than the store holds. Delete its line so moat generates one (for a never-rotate secret, only on a new deployment).',
  },
  {
    code: 'secrets.never-rotate',
    severity: 'high',
    title: 'A secret that must never change',
    help: "The secret encrypts or signs data that exists (Dify's SECRET_KEY, the n8n encryption key...): a new value would make that data unreadable, so moat refuses to rotate it. To start over with new data, `moat reset` removes the volumes and the secrets together.",
  },
  {
    code: 'secrets.never-rotate-lost',
    severity: 'critical',
    title: 'A never-rotate secret is lost while its data remains',
    help: 'The store lacks a never-rotate secret, but volumes still hold data made with it. Generating a new value would make that data unreadable for good, so `moat up` stops. Restore the secret from a backup; or, to start over without that data, `moat reset`.',
  },
  {
    code: 'secrets.store-incomplete',
    severity: 'high',
    title: 'The secrets store is missing or incomplete',
    help: 'A rotation changes one existing secret and never creates others (a generated never-rotate key would bypass the lost-key guard of `moat up`). Run `moat up` first, which fills the store, or restore it from a backup.',
  },
] as const satisfies readonly CodeDoc[];
