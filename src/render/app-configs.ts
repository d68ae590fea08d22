// Config files that apps read from the bundle (mounted read-only by compose),
// rendered from the catalog's pure functions. A file is rendered only when its
// service is part of the platform.
import { clawdbotConfigJson } from '../catalog/clawdbot-config.js';
import { knowledgeToolScript } from '../catalog/clawdbot-knowledge.js';
import { signalAccountFindings } from '../catalog/clawdbot-signal.js';
import { CONSOLE_PROGRAM_FILE, CONSOLE_SERVICE, CONSOLE_STATE_BUNDLE_DIR } from '../catalog/console.js';
import { difySquidConf } from '../catalog/dify-squid.js';
import { serviceByName } from '../model/lookup.js';
import type { Platform } from '../model/types.js';
import { generatedHeader, type RenderedFile, type Renderer, type RenderOptions } from './types.js';

interface AppConfig {
  readonly service: string;
  readonly path: string;
  readonly render: (platform: Platform, options: RenderOptions) => string;
}

const APP_CONFIGS: readonly AppConfig[] = [
  { service: 'clawdbot', path: 'clawdbot/openclaw.json', render: clawdbotConfigJson },
  { service: 'clawdbot', path: 'clawdbot/knowledge-mcp.mjs', render: knowledgeToolScript },
  { service: 'dify-ssrf-proxy', path: 'dify/squid.conf', render: difySquidConf },
  { service: CONSOLE_SERVICE, path: CONSOLE_PROGRAM_FILE, render: (_, options) => options.consoleProgram ?? CONSOLE_PROGRAM_PLACEHOLDER },
  { service: CONSOLE_SERVICE, path: `${CONSOLE_STATE_BUNDLE_DIR}/README`, render: () => CONSOLE_STATE_README },
];

/** What the bundle carries when it was rendered without the console's program: it says so, and exits. */
const CONSOLE_PROGRAM_PLACEHOLDER = `${generatedHeader('//')}
// This bundle was rendered without the console's program (moat's renderers were called directly).
process.stderr.write('moat console: this bundle has no console program; run \`moat plan\` to render it\\n');
process.exit(1);
`;

const CONSOLE_STATE_README = `${generatedHeader('#')}
# moat writes the console's status here (status.json, topology.svg) on up, status, backup, probe and audit,
# each file atomically (written beside, then renamed); the console container mounts this directory read-only.
`;

export const renderAppConfigs: Renderer = (platform, options) => {
  const files: RenderedFile[] = APP_CONFIGS.filter((c) => serviceByName(platform, c.service)).map((c) => ({
    path: c.path,
    content: c.render(platform, options),
  }));
  return { files, warnings: serviceByName(platform, 'clawdbot') ? signalAccountFindings(platform) : [] };
};
