// Browser test of the running demo: playwright-core drives Debian's chromium
// (installed with apt-get when missing), signs in as guest, deploys a new
// version of an example service to dev from its Deployments tab, watches the
// steps reach Healthy, finds it in the timeline, promotes it to staging,
// creates a new service with the Shipdeck template on the Create page and
// sees it reach Healthy in dev on its own Deployments tab, opens the
// Shipdeck page, and checks that a service the guest does not own shows its
// actions disabled with a reason.
// Screenshots go to artifacts/e2e/ (git-ignored); with --update-docs the
// ones the README shows are copied to docs/images/.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = resolve(root, 'artifacts/e2e');
const APP = 'http://localhost:3000';
const BACKEND = 'http://localhost:7007';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DOCS_IMAGES = resolve(root, 'docs/images');
const README_SCREENSHOTS = [
  'cart-deployments.png',
  'cart-deploy-dialog.png',
  'cart-timeline.png',
  'shipdeck-page.png',
  'template-form.png',
  'template-result.png',
  'new-service-deployments.png',
];
// A version no earlier run deployed, so the deployment always changes something.
const VERSION = `2.0.${Math.floor(Date.now() / 1000)}`;
const VERSION_PATTERN = VERSION.replace(/\./g, '\\.');
// The added line of the manifest diff (kustomize may quote the tag).
const NEW_TAG_LINE = new RegExp(`^\\+\\s+newTag: "?${VERSION_PATTERN}"?$`);
// A service name no earlier run created (the demo's data survives restarts).
const NEW_SERVICE = `quotes-${Date.now().toString(36)}`;

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
      // The first load waits for the app's bundle, which a dev server that
      // has just started (or restarted on a change) may still be building.
      await page.goto(APP, { timeout: 300_000 });
      await page.getByRole('button', { name: 'Enter' }).click();
      await page
        .locator('nav[aria-label="sidebar nav"]')
        .waitFor({ state: 'attached' });
    });

    // Full pages for the record; the README's pictures are what a laptop
    // screen shows.
    const shot = (name, fullPage = true) =>
      page.screenshot({ path: resolve(artifacts, name), fullPage });
    const stage = name =>
      page.getByRole('region', { name: `Environment ${name}`, exact: true });
    // The timeline's entries (changes), newest first, by id.
    const timeline = () =>
      page.locator('section[aria-label="Timeline"]:not([aria-busy="true"])');
    const changeIds = async () => {
      await timeline().waitFor();
      return timeline()
        .locator('[data-testid="timeline-change"]')
        .evaluateAll(nodes => nodes.map(n => n.getAttribute('data-change-id')));
    };
    let changesBefore = [];

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
        // Argo CD's status arrives with the first snapshot.
        await stage('dev').getByText('Healthy').first().waitFor();
        await timeline()
          .getByText(/^(No changes yet|Nothing older|Load older changes)/)
          .first()
          .waitFor();
        changesBefore = await changeIds();
      },
    );

    await check(
      `deploys ${VERSION} to dev, previewing the change first`,
      async () => {
        await stage('dev').getByRole('button', { name: 'Deploy…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Deploy to dev' });
        await dialog.getByLabel(/^Version/).fill(VERSION);
        await dialog.getByRole('button', { name: 'Review changes' }).click();
        const change = dialog.getByRole('region', { name: 'What will change' });
        await change.getByText(NEW_TAG_LINE).waitFor();
        await shot('cart-deploy-dialog.png', false);
        await dialog
          .getByRole('button', { name: 'Deploy', exact: true })
          .click();
        await dialog.waitFor({ state: 'detached' });
      },
    );

    await check('watches the steps reach Healthy', async () => {
      const progress = page.getByRole('region', { name: 'Deployment to dev' });
      await progress
        .getByRole('listitem', { name: /^Committed: done/ })
        .waitFor();
      await progress
        .getByRole('listitem', { name: /^Healthy: done/ })
        .waitFor({ timeout: 180_000 });
      await stage('dev').getByText(VERSION, { exact: true }).waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot('cart-deployments.png', false);
    });

    await check(
      'the timeline shows the deployment as one new entry that expands into its Argo CD events',
      async () => {
        const entry = timeline()
          .locator('[data-testid="timeline-change"]')
          .filter({ hasText: new RegExp(`^Deploy .*${VERSION_PATTERN}`) });
        await entry.waitFor({ timeout: 60_000 });
        // Argo CD's events of the rollout fold into the entry as they arrive.
        const events = entry.getByRole('button', {
          name: /^([3-9]|\d{2,}) Argo CD events$/,
        });
        await events.waitFor({ timeout: 60_000 });
        const ids = await changeIds();
        const id = await entry.getAttribute('data-change-id');
        // One new entry on top; the ones before it moved down by one.
        const expected = [id, ...changesBefore].slice(0, ids.length);
        if (JSON.stringify(ids) !== JSON.stringify(expected)) {
          throw new Error(
            `expected one new entry ${id} on top of ${changesBefore.join(
              ', ',
            )}; saw ${ids.join(', ')}`,
          );
        }
        await entry.getByText('Healthy', { exact: true }).waitFor();
        await events.click();
        const folded = entry.getByRole('list', { name: /^Argo CD events of / });
        await folded
          .getByText(/^Sync Succeeded at /)
          .first()
          .waitFor();
        await entry.scrollIntoViewIfNeeded();
        await page.evaluate(() => window.scrollBy(0, -120));
        await shot('cart-timeline.png', false);
      },
    );

    await check('staging then shows it is behind dev', async () => {
      // The environments answer carries the lag; the page refetches when the
      // deployment to dev lands.
      const badges = stage('staging').getByRole('group', {
        name: 'Lag and drift',
      });
      await badges
        .getByText(
          new RegExp(
            `^(\\d+ deployments? behind dev|dev runs ${VERSION_PATTERN})$`,
          ),
        )
        .waitFor({ timeout: 60_000 });
      const promote = stage('staging').getByRole('button', {
        name: 'Promote from dev',
      });
      if (
        !/containedPrimary/.test((await promote.getAttribute('class')) ?? '')
      ) {
        throw new Error(
          'Promote from dev is not the primary action of a stage behind dev',
        );
      }
    });

    await check('promotes it to staging', async () => {
      await stage('staging')
        .getByRole('button', { name: 'Promote from dev' })
        .click();
      const dialog = page.getByRole('dialog', {
        name: 'Promote dev → staging',
      });
      await dialog
        .getByRole('region', { name: 'What will change' })
        .getByText(NEW_TAG_LINE)
        .waitFor();
      await dialog
        .getByRole('button', { name: 'Promote', exact: true })
        .click();
      const progress = page.getByRole('region', {
        name: 'Deployment to staging',
      });
      await progress
        .getByRole('listitem', { name: /^Healthy: done/ })
        .waitFor({ timeout: 180_000 });
      await stage('staging').getByText(VERSION, { exact: true }).waitFor();
      await shot('cart-promoted.png');
    });

    await check(
      `creates ${NEW_SERVICE} with the Shipdeck template on the Create page`,
      async () => {
        await page
          .locator('nav[aria-label="sidebar nav"]')
          .getByRole('link', { name: 'Create' })
          .click();
        const card = page.getByText('New service (Shipdeck GitOps)').first();
        await card.waitFor();
        await page
          .locator('[class*="MuiCard-root"]', { has: card })
          .getByRole('button', { name: /choose/i })
          .click();
        await page.getByLabel(/^Name/).fill(NEW_SERVICE);
        const owner = page.getByRole('textbox', { name: 'Owner' });
        await owner.click();
        await owner.fill('shop');
        await page.getByRole('option', { name: 'Team Shop' }).click();
        await page
          .getByLabel(/^Image repository/)
          .fill(`registry.shop.example/shop/${NEW_SERVICE}`);
        await page.getByRole('button', { name: 'Next' }).click();
        // Shipdeck's environment picker: every environment, with how
        // changes land there.
        const environments = page.getByRole('group', {
          name: /Environments/,
        });
        for (const title of ['Development', 'Staging', 'Production']) {
          await page
            .getByRole('checkbox', { name: new RegExp(`^${title}`) })
            .waitFor();
        }
        await environments
          .getByText('pull request')
          .first()
          .waitFor()
          .catch(() => page.getByText('pull request').first().waitFor());
        await shot('template-form.png', false);
        await page.getByRole('button', { name: 'Review' }).click();
        await page.getByRole('button', { name: 'Create' }).click();
        const deployments = page
          .getByRole('link', { name: 'Deployments' })
          .or(page.getByRole('button', { name: 'Deployments' }))
          .first();
        await deployments.waitFor({ timeout: 120_000 });
        await page
          .getByText(/opened pull request/)
          .first()
          .waitFor();
        await shot('template-result.png', false);
        await deployments.click();
        await page.waitForURL(
          new RegExp(`/catalog/default/component/${NEW_SERVICE}/deployments`),
        );
      },
    );

    await check(
      `${NEW_SERVICE} reaches Healthy in dev on its Deployments tab`,
      async () => {
        // The catalog registers the entity within seconds; until then the
        // page says it cannot find it.
        const dev = stage('dev');
        for (let attempt = 0; ; attempt++) {
          try {
            await dev.waitFor({ timeout: 10_000 });
            break;
          } catch (error) {
            if (attempt > 12) throw error;
            await page.reload();
          }
        }
        await dev.getByText('Healthy').first().waitFor({ timeout: 180_000 });
        await dev.getByText('1.0.0', { exact: true }).waitFor();
        await page.evaluate(() => window.scrollTo(0, 0));
        await shot('new-service-deployments.png', false);
      },
    );

    await check('opens the Shipdeck page from the sidebar', async () => {
      await page
        .locator('nav[aria-label="sidebar nav"]')
        .getByRole('link', { name: 'Shipdeck' })
        .click();
      await page.waitForURL(/\/gitops/);
      const table = page.getByRole('table').first();
      await table.waitFor();
      await table.getByText(/cart/i).first().waitFor();
      await table
        .getByText(/payments/i)
        .first()
        .waitFor();
      await shot('shipdeck-page.png', false);
    });

    await check(
      'a service the guest does not own shows disabled actions with a reason',
      async () => {
        await page.goto(
          `${APP}/catalog/default/component/payments/deployments`,
        );
        const dev = stage('dev');
        await dev
          .getByText(/You may not deploy component:default\/payments/)
          .waitFor();
        for (const name of ['Deploy…', 'Roll back…']) {
          if (!(await dev.getByRole('button', { name }).isDisabled())) {
            throw new Error(`${name} is enabled for payments`);
          }
        }
        await shot('payments-denied.png');
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
    if (process.argv.includes('--update-docs')) {
      mkdirSync(DOCS_IMAGES, { recursive: true });
      for (const name of README_SCREENSHOTS) {
        copyFileSync(resolve(artifacts, name), resolve(DOCS_IMAGES, name));
      }
      log(`copied ${README_SCREENSHOTS.join(', ')} to ${DOCS_IMAGES}`);
    }
    process.stdout.write(`\ne2e: ${checks.length} passed, 0 failed\n`);
    process.exit(0);
  })
  .catch(error => {
    // A failed check has said why; anything before the first (the demo not
    // starting, chromium missing) says it here.
    if (!checks.some(c => !c.ok)) log(`✗ ${error?.stack ?? error}`);
    const passed = checks.filter(c => c.ok).length;
    process.stdout.write(
      `\ne2e: ${passed} passed, ${checks.length - passed} failed\n`,
    );
    process.exit(1);
  });
