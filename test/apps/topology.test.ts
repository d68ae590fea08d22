// `moat plan` writes topology.svg, and it opens in a real browser (Debian's
// Chromium through playwright-core) showing every service of the built-in
// platform: each one drawn, inside the picture, with its name legible, and an
// edge for every open cell of the proof. A screenshot is kept in
// test-artifacts/screenshots/topology.png. The page is a file: no network.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referencePlatform } from '../../src/catalog/reference.js';
import { normalizePlatform } from '../../src/model/normalize.js';
import { proveBundle } from '../../src/proof/bundle.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.js';
import { SCREENSHOTS } from '../support/real-apps-browser.js';
import { runMoat } from '../support/run-moat.js';

const work = mkdtempSync(join(tmpdir(), 'moat-topology-'));
let browser: Browser | undefined;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
});
afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('topology.svg in Chromium', () => {
  it('moat plan writes it, and every service of the built-in platform is drawn, legible, inside the picture', async () => {
    const cwd = process.cwd();
    process.chdir(work);
    try {
      const plan = await runMoat('plan', '--out', 'bundle');
      expect(plan.code, plan.err).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    const page = await (browser as Browser).newPage({ viewport: { width: 1600, height: 1200 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('requestfailed', (r) => problems.push(`${r.url()}: ${r.failure()?.errorText ?? 'failed'}`));
    await page.goto(`file://${join(work, 'bundle/topology.svg')}`);
    const size = await page.evaluate(() => {
      const svg = document.documentElement as unknown as SVGSVGElement;
      return { width: svg.width.baseVal.value, height: svg.height.baseVal.value };
    });
    const platform = normalizePlatform(referencePlatform());
    for (const service of platform.services) {
      const node = page.locator(`g.service[data-service="${service.name}"]`);
      expect(await node.count(), service.name).toBe(1);
      const box = await node.boundingBox();
      expect(box, service.name).not.toBeNull();
      if (!box) continue;
      expect(box.width * box.height, `${service.name} has an area`).toBeGreaterThan(0);
      expect(box.x + box.width, `${service.name} inside the picture`).toBeLessThanOrEqual(size.width + 1);
      expect(box.y + box.height, `${service.name} inside the picture`).toBeLessThanOrEqual(size.height + 1);
      // Its title is rendered text the browser laid out inside its box.
      const text = await node
        .locator('text')
        .first()
        .evaluate((t) => ({ content: t.textContent, width: (t as SVGTextElement).getComputedTextLength() }));
      expect(text.content).toBe(service.title);
      expect(text.width).toBeGreaterThan(0);
      expect(text.width, `${service.name}'s title fits its box`).toBeLessThanOrEqual(box.width);
    }
    const open = proveBundle(platform).matrix.filter((r) => r.verdict === 'open').length;
    expect(await page.locator('g.edge.open').count()).toBe(open);
    mkdirSync(SCREENSHOTS, { recursive: true });
    // fullPage screenshots hang on an SVG document (no scrolling element): size the viewport to it instead.
    await page.setViewportSize({ width: Math.ceil(size.width), height: Math.ceil(size.height) });
    await page.screenshot({ path: join(SCREENSHOTS, 'topology.png') });
    expect(problems).toEqual([]);
    await page.close();
  });
});
