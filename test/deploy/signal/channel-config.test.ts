// The bot's Signal channel as rendered: openclaw.json's channels.signal (the
// plugin's container transport to signal-api) only when moat.yaml names the
// bot's number, the plugin pinned and enabled, clawdbot the one service that
// depends on signal-api, and signal-api never behind the gateway.

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clawdbotConfig } from '../../../src/catalog/clawdbot-config.js';
import { CLAWDBOT_SIGNAL, CLAWDBOT_SIGNAL_PLUGIN, signalAccount } from '../../../src/catalog/clawdbot-signal.js';
import { OPENCLAW_FACTS } from '../../../src/catalog/upstream/openclaw.js';
import { SIGNAL_CLI_REST_API_FACTS } from '../../../src/catalog/upstream/signal-cli-rest-api.js';
import { renderBundle } from '../../../src/render/registry.js';
import { goldenPlatform } from '../../support/golden.js';

const NUMBER = '+4915112345678';
const withNumber = (value: string) => goldenPlatform(`services:\n  - name: clawdbot\n    env:\n      SIGNAL_ACCOUNT: ${JSON.stringify(value)}\n`);

describe("the bot's Signal channel in openclaw.json", () => {
  it('is absent on the built-in platform: no number, no channel, no plugin', () => {
    const config = clawdbotConfig(goldenPlatform('reference'));
    expect(config['channels']).toBeUndefined();
    expect(config['plugins']).toBeUndefined();
  });

  it("speaks signal-api's REST API (the container transport) for the number of moat.yaml, DMs by pairing", () => {
    const config = clawdbotConfig(withNumber(NUMBER));
    expect(config['channels']).toEqual({
      signal: { enabled: true, account: NUMBER, transport: { kind: 'container', url: 'http://signal-api:8080' }, dmPolicy: 'pairing' },
    });
    expect(config['plugins']).toEqual({ entries: { signal: { enabled: true } } });
  });

  it('is not rendered for a number that is not E.164 (hostile or mistyped moat.yaml)', () => {
    for (const bad of ['015112345678', '+49 151 1234', '+4915112345678","dmPolicy":"open', '+0123456789', '']) {
      expect(signalAccount(withNumber(bad)), bad).toBeUndefined();
      expect(clawdbotConfig(withNumber(bad))['channels'], bad).toBeUndefined();
    }
  });

  it('says so, high, at the key in moat.yaml, when the number is set but not E.164 (moat check and moat up then stop on it)', async () => {
    const { proveBundle } = await import('../../../src/proof/bundle.js');
    const findings = proveBundle(withNumber('+49 151 1234')).findings.filter((f) => f.code === 'render.clawdbot.bad-signal-account');
    expect(findings.map((f) => [f.severity, f.path])).toEqual([['high', 'services.clawdbot.env.SIGNAL_ACCOUNT']]);
    expect(proveBundle(withNumber(NUMBER)).findings.map((f) => f.code)).not.toContain('render.clawdbot.bad-signal-account');
    expect(proveBundle(goldenPlatform('reference')).findings.map((f) => f.code)).not.toContain('render.clawdbot.bad-signal-account');
  });

  it('needs signal-api: without it (and clawdbot no longer depending on it), no channel', () => {
    const platform = goldenPlatform(
      `services:\n  - name: clawdbot\n    dependsOn: [litellm]\n    env:\n      SIGNAL_ACCOUNT: "${NUMBER}"\n  - name: signal-api\n    $delete: true\n`,
    );
    expect(clawdbotConfig(platform)['channels']).toBeUndefined();
  });
});

describe('the edge clawdbot → signal-api', () => {
  const platform = withNumber(NUMBER);
  const { files } = renderBundle(platform);
  const compose = parse(files.find((f) => f.path === 'compose.yaml')?.content ?? '') as {
    services: Record<string, { depends_on?: Record<string, unknown>; ports?: unknown; environment?: Record<string, unknown> }>;
  };

  it('clawdbot depends on signal-api, and no other service does', () => {
    const dependants = Object.entries(compose.services)
      .filter(([, s]) => Object.keys(s.depends_on ?? {}).includes('signal-api'))
      .map(([name]) => name);
    expect(dependants).toEqual(['clawdbot']);
  });

  it('signal-api is never routed and publishes nothing', () => {
    expect(platform.services.find((s) => s.name === 'signal-api')?.exposure).toBe('never-route');
    expect(platform.gateway.routes.some((r) => r.service === 'signal-api')).toBe(false);
    expect(compose.services['signal-api']?.ports).toBeUndefined();
    expect(compose.services['signal-api']?.environment?.['MODE']).toBe('json-rpc');
  });

  it('the state dir that plugin installs use is the state volume, and an env name OpenClaw reads', () => {
    expect(compose.services['clawdbot']?.environment?.['OPENCLAW_STATE_DIR']).toBe('/home/node/.openclaw');
    expect(OPENCLAW_FACTS.envRead).toContain('OPENCLAW_STATE_DIR');
    expect(OPENCLAW_FACTS.writablePaths).toContain('/home/node/.openclaw');
  });
});

describe('the pinned plugin and the operator steps', () => {
  it('pins the plugin at the version of OpenClaw itself', () => {
    expect(CLAWDBOT_SIGNAL_PLUGIN.version).toBe(OPENCLAW_FACTS.version);
    expect(CLAWDBOT_SIGNAL_PLUGIN.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(CLAWDBOT_SIGNAL.installPlugin).toEqual(['docker', 'compose', 'exec', 'clawdbot', 'node', 'openclaw.mjs', 'plugins', 'inspect', 'signal', '--json']);
    expect(CLAWDBOT_SIGNAL.approve('ABCD1234').slice(-3)).toEqual(['approve', 'signal', 'ABCD1234']);
  });

  it("signal-api's json-rpc mode is an env name the image reads", () => {
    expect(SIGNAL_CLI_REST_API_FACTS.envRead).toContain('MODE');
  });
});
