// `moat secrets kubernetes`: the platform's Secrets, created in the cluster
// from moat's store (missing values are generated into the store first, as
// `moat up` does), so the manifests of `moat plan --target kubernetes` only
// ever name them. The text goes to `kubectl apply -f -` on stdin, or with
// --file to a 0600 file outside the bundle; no value is printed or put in argv.
import type { Command } from 'commander';
import { applyKubernetesSecrets, serviceSecretEnv, writeKubernetesSecretsFile } from '../../deploy/kubernetes-secrets.js';
import { ensureSecrets } from '../../deploy/secrets-store.js';
import { ExitCode } from '../../model/findings.js';
import type { Platform } from '../../model/types.js';
import { clusterView } from '../../render/kubernetes/configs.js';
import { namespaceOf } from '../../render/kubernetes/objects.js';
import { kubernetesSecretsText } from '../../render/kubernetes/secrets.js';
import type { DeployPaths } from './up.js';
import { deployPaths } from './up.js';

export interface KubernetesSecretsOptions {
  /** Write the manifest here (0600, outside the bundle) instead of applying it. */
  readonly file?: string;
  readonly kubectl?: string;
}

export async function runKubernetesSecrets(
  platform: Platform,
  paths: DeployPaths,
  options: KubernetesSecretsOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const { values, generated } = await ensureSecrets(platform, paths.secretsFile);
  // Addresses in derived values (LiteLLM's DATABASE_URL) are the cluster's DNS names.
  const env = serviceSecretEnv(clusterView(platform), values);
  const text = kubernetesSecretsText(platform, env);
  const names = [...env.keys()].map((s) => `${s}-secrets`);
  if (generated.length > 0) out.write(`generated into ${paths.secretsFile}: ${generated.join(', ')}\n`);
  if (options.file !== undefined) {
    const written = await writeKubernetesSecretsFile(options.file, text, paths.bundleDir);
    out.write(`wrote ${names.length} Secrets (${names.join(', ')}) to ${written} (mode 0600); apply it with \`kubectl apply -f ${written}\`, then delete it\n`);
    return ExitCode.ok;
  }
  const all = [...env.values()].flatMap((e) => Object.values(e));
  out.write(await applyKubernetesSecrets(text, namespaceOf(platform), all, options.kubectl));
  return ExitCode.ok;
}

/** Adds `kubernetes` under `moat secrets` (whose --out and --secrets it reads). */
export function registerKubernetesSecrets(secrets: Command, load: () => Promise<Platform>): void {
  secrets
    .command('kubernetes')
    .description('create the Secrets of `moat plan --target kubernetes` in the cluster (kubectl apply, values on stdin)')
    .option('--file <path>', 'write them to this file (mode 0600, outside the bundle) instead of applying them')
    .action(async (opts: { file?: string }, command: Command) => {
      const globals = command.optsWithGlobals<{ out?: string; secrets?: string; file?: string }>();
      process.exitCode = await runKubernetesSecrets(await load(), deployPaths(globals), opts.file === undefined ? {} : { file: opts.file });
    });
}
