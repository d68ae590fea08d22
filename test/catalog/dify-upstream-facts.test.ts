// Each rendered Dify-family compose service, checked against the upstream facts
// of its image (src/catalog/upstream/dify-*.ts): these images cannot run here,
// so what the rendering relies on (the image's user switch, its binaries, the
// env names the app reads, the paths it writes) is checked as data.

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as dify from '../../src/catalog/dify.js';
import { referencePlatform } from '../../src/catalog/reference.js';
import { DIFY_UPSTREAM, pinnedImage } from '../../src/catalog/upstream/dify-index.js';
import type { UpstreamFacts } from '../../src/catalog/upstream/dify-types.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import type { ServiceInput } from '../../src/model/types.js';
import { renderCompose } from '../../src/render/compose.js';

type ComposeService = {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  tmpfs?: string[];
  read_only?: boolean;
  user?: string;
};

/** Env keys a service gets that its app does not read, each with why it is there anyway. */
const NOT_READ: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'dify-redis': { REDIS_PASSWORD: 'expanded by the shell of the health check and of the start command (sh -c), not read by redis itself' },
};

// The reference platform, plus any Dify entry of dify.ts the catalog does not list yet.
function platform() {
  const input = referencePlatform();
  const names = new Set(input.services.map((s) => s.name));
  const extra = Object.values(dify).filter(
    (v): v is ServiceInput =>
      typeof v === 'object' && v !== null && 'kind' in v && (v as ServiceInput).kind === 'service' && !names.has((v as ServiceInput).name),
  );
  return normalizePlatform({ ...input, services: [...input.services, ...extra] });
}

const p = platform();
const compose = parse(renderCompose(p, {}).files.find((f) => f.path === 'compose.yaml')?.content ?? '') as { services: Record<string, ComposeService> };
const difyServices = Object.keys(DIFY_UPSTREAM).filter((name) => compose.services[name] !== undefined);

/** The programs a compose health check runs. */
function healthBinaries(test: readonly string[]): string[] {
  const [kind, ...rest] = test;
  if (kind === 'CMD') return rest[0] === undefined ? [] : [rest[0]];
  if (kind !== 'CMD-SHELL') return [];
  const script = rest.join(' ');
  const programs = script.split(/\|\||&&|[|;]/).map((part) => {
    // Skip leading VAR=value assignments; the first other word is the program.
    const words = part
      .trim()
      .split(/\s+/)
      .filter((w) => w.length > 0);
    return words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  });
  return ['sh', ...programs.filter((w): w is string => w !== undefined)];
}

function envKeys(name: string): string[] {
  const service = p.services.find((s) => s.name === name);
  return [...Object.keys(compose.services[name]?.environment ?? {}), ...(service?.secrets.map((s) => s.env) ?? [])];
}

function mountTargets(c: ComposeService): string[] {
  const volumes = (c.volumes ?? []).map((v) => v.split(':')[1] ?? '');
  return [...volumes, ...(c.tmpfs ?? [])];
}

const under = (path: string, mount: string) => path === mount || path.startsWith(`${mount.replace(/\/+$/, '')}/`);

describe('Dify-family services against their upstream facts', () => {
  it('covers every Dify service of the platform', () => {
    expect(difyServices.sort()).toEqual(
      expect.arrayContaining(['dify-api', 'dify-db', 'dify-redis', 'dify-sandbox', 'dify-ssrf-proxy', 'dify-weaviate', 'dify-web', 'dify-worker']),
    );
  });

  it.each(difyServices)('%s: the image is the one the facts were read at', (name) => {
    const facts = DIFY_UPSTREAM[name] as UpstreamFacts;
    expect(compose.services[name]?.image).toBe(pinnedImage(facts));
    expect(facts.released).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(facts.sources.length).toBeGreaterThan(0);
  });

  it.each(difyServices)('%s: the health check runs only binaries the image has', (name) => {
    const facts = DIFY_UPSTREAM[name] as UpstreamFacts;
    const test = compose.services[name]?.healthcheck?.test;
    if (test === undefined) return;
    for (const bin of healthBinaries(test)) expect(facts.binaries, `${name} health check runs ${bin}`).toContain(bin);
  });

  it.each(difyServices)('%s: every env name it gets is read by the app at the pinned version', (name) => {
    const facts = DIFY_UPSTREAM[name] as UpstreamFacts;
    const excused = NOT_READ[name] ?? {};
    const unread = envKeys(name).filter((k) => !facts.envRead.includes(k) && excused[k] === undefined);
    expect(unread, `${name} sets names ${facts.image}:${facts.version} does not read`).toEqual([]);
  });

  it.each(difyServices)("%s: a command override keeps the entrypoint's user switch", (name) => {
    const facts = DIFY_UPSTREAM[name] as UpstreamFacts;
    const c = compose.services[name] as ComposeService;
    const user = c.user ?? facts.user;
    const root = user === 'root' || user === '0' || user.startsWith('0:');
    if (!root || c.command === undefined || facts.stepsDownWhenFirstArg === undefined) return;
    expect(
      facts.stepsDownWhenFirstArg,
      `${name} runs ${c.command.join(' ')} as root: the entrypoint only steps down for ${facts.stepsDownWhenFirstArg.join(', ')}`,
    ).toContain(c.command[0]);
  });

  it.each(difyServices)('%s: a read-only root leaves every path the app writes on a volume or tmpfs', (name) => {
    const facts = DIFY_UPSTREAM[name] as UpstreamFacts;
    const c = compose.services[name] as ComposeService;
    if (c.read_only !== true) return;
    const mounts = mountTargets(c);
    for (const path of facts.writablePaths)
      expect(
        mounts.some((m) => under(path, m)),
        `${name} writes ${path}`,
      ).toBe(true);
  });

  it('the check catches the form the review found: redis started through sh -c as root', () => {
    const facts = DIFY_UPSTREAM['dify-redis'] as UpstreamFacts;
    const command = ['sh', '-c', 'exec redis-server --requirepass "$$REDIS_PASSWORD"'];
    expect(facts.stepsDownWhenFirstArg).not.toContain(command[0]);
  });
});
