// Every render target, in one map the compiler checks against the list of
// targets: adding a target without a renderer (or the reverse) fails to build.

import { byText } from '../model/order.js';
import type { Platform } from '../model/types.js';
import { renderAppConfigs } from './app-configs.js';
import { renderBootstrap } from './bootstrap.js';
import { renderCloudFormation } from './cloudformation.js';
import { renderCompose } from './compose.js';
import { renderDifyNginx } from './dify-nginx.js';
import { renderDockerUser } from './docker-user.js';
import { renderDriveTimer } from './drive-timer.js';
import { renderEnvExample } from './env-example.js';
import { renderGatewayNginx } from './gateway-nginx.js';
import { renderHostServices } from './host-services.js';
import { renderKubernetes } from './kubernetes/index.js';
import { renderLitellmConfig } from './litellm-config.js';
import { renderNftables } from './nftables.js';
import { renderPortsDoc } from './ports-doc.js';
import { renderTailscalePolicy } from './tailscale-policy.js';
import { renderTerraform } from './terraform.js';
import type { RenderedFile, Renderer, RenderOptions, RenderResult } from './types.js';

export const TARGETS = [
  'compose',
  'gateway-nginx',
  'dify-nginx',
  'litellm-config',
  'env-example',
  'ports-doc',
  'cloudformation',
  'terraform',
  'nftables',
  'docker-user',
  'tailscale-policy',
  'bootstrap',
  'host-services',
  'app-configs',
  'drive-timer',
  'kubernetes',
] as const;

export type Target = (typeof TARGETS)[number];

/**
 * What each deployment renders: `moat plan` writes the host bundle unless
 * `--target kubernetes`. Every target belongs to one (checked below).
 */
export const DEPLOYMENTS = {
  host: TARGETS.filter((t) => t !== 'kubernetes'),
  kubernetes: ['kubernetes'],
} as const satisfies Record<string, readonly Target[]>;

export type Deployment = keyof typeof DEPLOYMENTS;

export const RENDERERS: { readonly [T in Target]: Renderer } = {
  compose: renderCompose,
  'gateway-nginx': renderGatewayNginx,
  'dify-nginx': renderDifyNginx,
  'litellm-config': renderLitellmConfig,
  'env-example': renderEnvExample,
  'ports-doc': renderPortsDoc,
  cloudformation: renderCloudFormation,
  terraform: renderTerraform,
  nftables: renderNftables,
  'docker-user': renderDockerUser,
  'tailscale-policy': renderTailscalePolicy,
  bootstrap: renderBootstrap,
  'host-services': renderHostServices,
  'app-configs': renderAppConfigs,
  'drive-timer': renderDriveTimer,
  kubernetes: renderKubernetes,
};

/** Render every target into one bundle, sorted by path; duplicate paths are a bug. */
export function renderBundle(platform: Platform, options: RenderOptions = {}, targets: readonly Target[] = DEPLOYMENTS.host): RenderResult {
  const files: RenderedFile[] = [];
  const warnings: RenderResult['warnings'][number][] = [];
  for (const target of targets) {
    const result = RENDERERS[target](platform, options);
    files.push(...result.files);
    warnings.push(...result.warnings);
  }
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) throw new Error(`two renderers wrote ${file.path} (this is a bug in moat)`);
    seen.add(file.path);
  }
  files.sort((a, b) => byText(a.path, b.path));
  return { files, warnings };
}
