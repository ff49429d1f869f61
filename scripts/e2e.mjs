// Browser test of the running demo: playwright-core drives Debian's chromium
// (installed with apt-get when missing), signs in as guest, opens an example
// service's Deployments tab and checks its three environments, in order.
// Screenshots go to artifacts/e2e/ (git-ignored).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = resolve(root, 'artifacts/e2e');
const APP = 'http://localhost:3000';
const BACKEND = 'http://localhost:7007';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function log(message) {
  process.stdout.write(`[e2e] ${message}\n`);
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  log(`${CHROMIUM} is missing: installing Debian's chromium with apt-get`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = args =>
    execFileSync(sudo[0] ?? args[0], sudo.length ? args : args.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', 'chromium']);
}

async function isUp(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.status < 500;
  } catch {
    return false;
  }
}

async function waitFor(url, timeoutMs, demo) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (demo?.exitCode !== null && demo?.exitCode !== undefined) {
      throw new Error(
        `the demo exited with ${demo.exitCode} before ${url} answered`,
      );
    }
    if (await isUp(url)) return;
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

async function startDemo() {
  if ((await isUp(`${BACKEND}/api/gitops/health`)) && (await isUp(APP))) {
    log('using the demo that is already running');
    return undefined;
  }
  log('starting the demo (./shipdeck start)');
  mkdirSync(artifacts, { recursive: true });
  const demo = spawn('node', [resolve(root, 'scripts/start.mjs')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines = [];
  for (const stream of [demo.stdout, demo.stderr]) {
    stream.on('data', chunk => {
      lines.push(...String(chunk).split('\n'));
      lines.splice(0, Math.max(0, lines.length - 200));
    });
  }
  demo.lastLines = lines;
  const started = Date.now();
  await waitFor(`${BACKEND}/api/gitops/health`, 300_000, demo);
  await waitFor(APP, 300_000, demo);
  log(`demo up after ${Math.round((Date.now() - started) / 1000)}s`);
  return demo;
}

function stopDemo(demo) {
  if (!demo) return;
  try {
    process.kill(-demo.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

const checks = [];
async function check(name, fn) {
  try {
    await fn();
    checks.push({ name, ok: true });
    log(`✓ ${name}`);
  } catch (error) {
    checks.push({ name, ok: false });
    log(`✗ ${name}\n${error?.stack ?? error}`);
    throw error;
  }
}

async function main() {
  ensureChromium();
  mkdirSync(artifacts, { recursive: true });
  const demo = await startDemo();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
    });
    page.setDefaultTimeout(60_000);

    await check('guest signs in', async () => {
      await page.goto(APP);
      await page.getByRole('button', { name: 'Enter' }).click();
      await page
        .locator('nav[aria-label="sidebar nav"]')
        .waitFor({ state: 'attached' });
    });

    await check(
      "the cart service's Deployments tab shows dev → staging → production",
      async () => {
        await page.goto(`${APP}/catalog/default/component/cart/deployments`);
        const stages = page.getByRole('region', { name: /^Environment / });
        await stages.first().waitFor();
        const names = await stages.evaluateAll(nodes =>
          nodes.map(n => n.getAttribute('aria-label')),
        );
        const expected = [
          'Environment dev',
          'Environment staging',
          'Environment production',
        ];
        if (JSON.stringify(names) !== JSON.stringify(expected)) {
          throw new Error(
            `expected ${expected.join(', ')}; saw ${names.join(', ')}`,
          );
        }
        await page.getByText('cart/overlays/production').first().waitFor();
        await page.screenshot({
          path: resolve(artifacts, 'cart-deployments.png'),
          fullPage: true,
        });
      },
    );

    await check('the overview card lists the environments', async () => {
      await page.goto(`${APP}/catalog/default/component/cart`);
      const card = page.getByRole('list', { name: 'Environments' });
      await card.waitFor();
      for (const env of ['dev', 'staging', 'production']) {
        await card.getByText(env, { exact: true }).waitFor();
      }
      await page.screenshot({
        path: resolve(artifacts, 'cart-overview.png'),
        fullPage: true,
      });
    });

    await check(
      'an entity without annotations explains what to add',
      async () => {
        await page.goto(
          `${APP}/catalog/default/component/search-indexer/deployments`,
        );
        await page
          .getByText('This entity is not deployed with Shipdeck yet')
          .waitFor();
        await page.screenshot({
          path: resolve(artifacts, 'missing-setup.png'),
          fullPage: true,
        });
      },
    );
  } catch (error) {
    if (demo?.lastLines) {
      log(`last lines of the demo's output:\n${demo.lastLines.join('\n')}`);
    }
    throw error;
  } finally {
    await browser.close();
    stopDemo(demo);
  }
}

main()
  .then(() => {
    log(`screenshots in ${artifacts}`);
    process.stdout.write(`\ne2e: ${checks.length} passed, 0 failed\n`);
    process.exit(0);
  })
  .catch(() => {
    const passed = checks.filter(c => c.ok).length;
    process.stdout.write(
      `\ne2e: ${passed} passed, ${checks.length - passed} failed\n`,
    );
    process.exit(1);
  });
