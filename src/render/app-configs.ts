// Config files that apps read from the bundle (mounted read-only by compose),
// rendered from the catalog's pure functions. A file is rendered only when its
// service is part of the platform.
import { clawdbotConfigJson } from '../catalog/clawdbot-config.js';
import { knowledgeToolScript } from '../catalog/clawdbot-knowledge.js';
import { signalAccountFindings } from '../catalog/clawdbot-signal.js';
import { difySquidConf } from '../catalog/dify-squid.js';
import { serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';
import type { RenderedFile, Renderer } from './types.js';

interface AppConfig {
  readonly service: string;
  readonly path: string;
  readonly render: (platform: Platform) => string;
}

const APP_CONFIGS: readonly AppConfig[] = [
  { service: 'clawdbot', path: 'clawdbot/openclaw.json', render: clawdbotConfigJson },
  { service: 'clawdbot', path: 'clawdbot/knowledge-mcp.mjs', render: knowledgeToolScript },
  { service: 'dify-ssrf-proxy', path: 'dify/squid.conf', render: difySquidConf },
];

export const renderAppConfigs: Renderer = (platform) => {
  const files: RenderedFile[] = APP_CONFIGS.filter((c) => serviceByName(platform, c.service)).map((c) => ({
    path: c.path,
    content: c.render(platform),
  }));
  return { files, warnings: serviceByName(platform, 'clawdbot') ? signalAccountFindings(platform) : [] };
};
