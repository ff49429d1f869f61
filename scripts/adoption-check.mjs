#!/usr/bin/env node
// Adoption check: do Shipdeck's published packages work in a stock Backstage
// app when installed by following the plugin READMEs, and nothing else?
//
// 1. builds and packs the four plugin packages (`yarn pack`, as published);
// 2. creates an app from the stock `@backstage/create-app` template in a
//    temporary folder, with the registry constraints this repo's own install
//    needs (root `resolutions`, no `npmMinimalAgeGate`), the packs standing in
//    for the npm registry;
// 3. applies every README code block marked `<!-- adoption-check: {...} -->`
//    (plugins/*/README.md), in order: shell commands run, code is inserted
//    where the marker says, config is appended. README and check cannot
//    drift: the check only knows what the READMEs say;
// 4. type-checks (`yarn tsc`) and builds (`yarn build:backend`, which builds
//    the app too), starts the built backend and the Argo CD emulator on ports
//    apart from the demo's, checks `GET /api/gitops/environments`, and opens
//    the annotated example's entity page in chromium: its Deployments tab
//    must show the environments with Argo CD's health.
// The first pass uses the new frontend system's template and instructions;
// the second swaps in the legacy template (`create-app --legacy`) and the
// legacy instructions, in the same folder, so the installed packages are
// reused.
//
//   node scripts/adoption-check.mjs [--pass new|legacy|both] [--work DIR]
//                                   [--keep] [--reuse] [--from STAGE]
//
// --work DIR keeps the app in DIR (default: a temporary folder, removed at
// the end unless --keep). --reuse skips the stages that already completed in
// DIR; --from STAGE reruns from that stage on (stages: pack, then per pass
// create, readme, tsc, build, start). Needs Node 22 and the repo's Yarn on
// PATH (`eval "$(./shipdeck env)"`), the repo installed, and /usr/bin/chromium.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// The stock template of the Backstage release this repository is on
// (backstage.json); the root `resolutions` are known to install it here.
const CREATE_APP = '@backstage/create-app@0.9.2';
// Apart from the demo's 3000/7007/7010, so both can run at once. The built
// app is served by the backend (app-backend), so there is no :3200 server.
const PORTS = { backend: 7207, emulator: 7210 };
const DEMO_PORTS = { backend: 7007, app: 3000, emulator: 7010 };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PLUGINS = [
  'gitops-common',
  'gitops-backend',
  'scaffolder-backend-module-gitops',
  'gitops',
];
// The READMEs in the order an adopter reads them: backend first.
const READMES = [
  'plugins/gitops-backend/README.md',
  'plugins/scaffolder-backend-module-gitops/README.md',
  'plugins/gitops/README.md',
];
// create-app seeds yarn.lock from Backstage's seed file on GitHub, which
// locks releases known to break against the template; it is unreachable
// here. Without it plugin-signals-backend resolves to 0.3.21, which needs an
// httpRouter with addWebSocketHandler that the template's backend-defaults
// (^0.18) lacks, and the stock backend does not start. Pinned to the version
// this repo's lockfile runs. (Seeding with this repo's whole lockfile instead
// mixes frontend versions: the new frontend system's nav then fails with
// "App context is not available".)
const SEED_PINS = { '@backstage/plugin-signals-backend': '0.3.19' };
const STAGES = ['create', 'readme', 'tsc', 'build', 'start'];

const { values: args } = parseArgs({
  options: {
    pass: { type: 'string', default: 'both' },
    work: { type: 'string' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
    from: { type: 'string' },
  },
});
const passes = args.pass === 'both' ? ['new', 'legacy'] : [args.pass];
if (!passes.every(p => p === 'new' || p === 'legacy')) {
  throw new Error(`--pass must be new, legacy or both, not ${args.pass}`);
}
if (args.from && args.from !== 'pack' && !STAGES.includes(args.from)) {
  throw new Error(`--from must be pack or one of ${STAGES.join(', ')}`);
}

const work = resolve(
  args.work ?? mkdtempSync(join(tmpdir(), 'shipdeck-adoption-')),
);
const app = join(work, 'app');
const packs = join(app, 'shipdeck-packs');
const stamps = join(work, '.stamps');
const artifacts = join(root, 'artifacts/adoption');
mkdirSync(stamps, { recursive: true });

const started = Date.now();
const timings = [];
const children = [];

const seconds = ms => `${Math.round(ms / 1000)}s`;
function log(message) {
  process.stdout.write(
    `[adoption ${seconds(Date.now() - started).padStart(5)}] ${message}\n`,
  );
}

// Yarn in the app: the repo's cache folder (already filled by the repo's own
// install) so only what the stock app needs beyond it is downloaded; mutable
// lockfile even under CI=true, as a developer's `yarn add` is.
const yarnEnv = {
  ...process.env,
  YARN_CACHE_FOLDER: join(root, '.yarn/cache'),
  YARN_ENABLE_GLOBAL_CACHE: 'false',
  YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
  YARN_ENABLE_TELEMETRY: '0',
  YARN_ENABLE_PROGRESS_BARS: 'false',
};

function sh(command, cwd, env = yarnEnv) {
  log(
    `$ ${command}${
      cwd === root ? '' : `   (in ${relative(work, cwd) || '.'})`
    }`,
  );
  execFileSync('bash', ['-euo', 'pipefail', '-c', command], {
    cwd,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

// Stages: with --reuse a completed stage is skipped (its stamp exists),
// except from --from on.
let forced = !args.reuse;
async function stage(name, fn) {
  const stageName = name.split(':').pop();
  if (args.from === stageName || args.from === name) forced = true;
  const stamp = join(stamps, name.replace(':', '-'));
  if (!forced && existsSync(stamp)) {
    log(`${name}: done in an earlier run (--reuse)`);
    return;
  }
  rmSync(stamp, { force: true });
  log(`── ${name}`);
  const t0 = Date.now();
  await fn();
  timings.push([name, Date.now() - t0]);
  writeFileSync(stamp, new Date().toISOString());
  log(`${name}: done in ${seconds(Date.now() - t0)}`);
}

// ── pack ────────────────────────────────────────────────────────────────

function packageJson(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

const pluginPackages = PLUGINS.map(dir => {
  const pkg = packageJson(join(root, 'plugins', dir));
  return { dir, name: pkg.name, version: pkg.version };
});

function packAll() {
  // The builds read the declarations `yarn tsc` writes to dist-types.
  sh('yarn tsc', root, process.env);
  const out = join(work, 'packs');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const { dir } of pluginPackages) {
    sh(
      `yarn backstage-cli package build && yarn pack --out ${out}/%s-%v.tgz`,
      join(root, 'plugins', dir),
      process.env,
    );
  }
  checkPacks(out);
}

// What a consumer gets must not lean on this repository: no workspace:
// ranges, no dependency on the stand-ins, the entry points and schema present.
function checkPacks(out) {
  for (const file of readdirSync(out)) {
    const listing = execFileSync('tar', ['tzf', join(out, file)], {
      encoding: 'utf8',
    }).split('\n');
    const pkg = JSON.parse(
      execFileSync('tar', ['xzOf', join(out, file), 'package/package.json'], {
        encoding: 'utf8',
      }),
    );
    const problems = [];
    for (const [name, range] of Object.entries({
      ...pkg.dependencies,
      ...pkg.peerDependencies,
    })) {
      if (String(range).startsWith('workspace:')) {
        problems.push(`${name} is ${range}`);
      }
      if (
        /^@shipdeck\/(argocd-emulator|github-stand-in|gitlab-stand-in)$/.test(
          name,
        )
      ) {
        problems.push(`${name} is a dev-only stand-in`);
      }
    }
    const entries = [pkg.main, pkg.types, pkg.module].filter(Boolean);
    for (const target of Object.values(pkg.exports ?? {})) {
      if (typeof target === 'string') entries.push(target);
      else entries.push(...Object.values(target));
    }
    // Export conditions may carry metadata, not paths (backstage-cli adds
    // `"backstage": "@backstage/FrontendPlugin"` to a frontend plugin's ./alpha).
    for (const entry of entries.filter(e => e.startsWith('./'))) {
      if (!listing.includes(`package/${entry.replace(/^\.\//, '')}`)) {
        problems.push(`${entry} is not in the archive`);
      }
    }
    if (pkg.configSchema && !listing.includes(`package/${pkg.configSchema}`)) {
      problems.push(`config schema ${pkg.configSchema} is not in the archive`);
    }
    if (!pkg.backstage?.role) problems.push('no backstage.role');
    if (problems.length) {
      throw new Error(`${file}: ${problems.join('; ')}`);
    }
    log(
      `${file}: ${listing.filter(Boolean).length} files, entry points present`,
    );
  }
}

// ── create ──────────────────────────────────────────────────────────────

function createFromTemplate(pass) {
  const target = join(work, `template-${pass}`);
  rmSync(target, { recursive: true, force: true });
  sh(
    `npx -y ${CREATE_APP} ${
      pass === 'legacy' ? '--legacy ' : ''
    }--skip-install --path ${target}`,
    work,
    { ...process.env, BACKSTAGE_APP_NAME: 'adoption-app' },
  );
  if (pass === 'new') {
    rmSync(app, { recursive: true, force: true });
    cpSync(target, app, { recursive: true });
  } else {
    // Same folder, so the first pass's install is reused: the legacy
    // template's files replace the new one's (the backend is the same).
    for (const entry of readdirSync(app)) {
      if (!['node_modules', '.yarn', 'yarn.lock'].includes(entry)) {
        rmSync(join(app, entry), { recursive: true, force: true });
      }
    }
    for (const entry of readdirSync(target)) {
      if (entry === '.git' || entry === 'yarn.lock') continue;
      cpSync(join(target, entry), join(app, entry), { recursive: true });
    }
  }
  applyRegistryConstraints();
}

function applyRegistryConstraints() {
  const repo = packageJson(root);
  const manifest = packageJson(app);
  // The packs stand in for the registry: every range of a Shipdeck package,
  // direct or transitive, resolves to its archive. Archive names carry their
  // hash, so a repacked package is a new lockfile entry.
  mkdirSync(packs, { recursive: true });
  const shipdeck = {};
  for (const { name, version } of pluginPackages) {
    const source = join(
      work,
      'packs',
      `${name.replace('/', '-')}-${version}.tgz`,
    );
    const hash = createHash('sha256')
      .update(readFileSync(source))
      .digest('hex')
      .slice(0, 10);
    const file = `${name.replace('/', '-')}-${version}-${hash}.tgz`;
    cpSync(source, join(packs, file));
    shipdeck[name] = `file:./shipdeck-packs/${file}`;
  }
  manifest.resolutions = {
    ...repo.resolutions,
    ...manifest.resolutions,
    ...SEED_PINS,
    ...shipdeck,
  };
  // As in this repo, plus tree-sitter's native parsers (swagger-ui's, in the
  // template's API docs), which only compile from source here and which
  // nothing on the server or in the browser (web-tree-sitter) loads.
  manifest.dependenciesMeta = {
    ...repo.dependenciesMeta,
    'tree-sitter': { built: false },
    'tree-sitter-json': { built: false },
    '@tree-sitter-grammars/tree-sitter-yaml': { built: false },
  };
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  // The template's three-day age gate hides platform packages the
  // resolutions pin (see the reference notes on installing here).
  const yarnrc = join(app, '.yarnrc.yml');
  writeFileSync(
    yarnrc,
    readFileSync(yarnrc, 'utf8').replace(/^npmMinimalAgeGate:.*\n/m, ''),
  );
}

// ── readme ──────────────────────────────────────────────────────────────

const MARKER =
  /<!-- adoption-check: (\{.*?\}) -->\s*\n\s*```(\w+)\n([\s\S]*?)\n```/g;

function readmeSteps() {
  const steps = [];
  for (const readme of READMES) {
    const text = readFileSync(join(root, readme), 'utf8');
    for (const match of text.matchAll(MARKER)) {
      const line = text.slice(0, match.index).split('\n').length;
      let options;
      try {
        options = JSON.parse(match[1]);
      } catch (error) {
        throw new Error(`${readme}:${line}: bad marker: ${error.message}`);
      }
      steps.push({
        ...options,
        lang: match[2],
        code: match[3],
        where: `${readme}:${line}`,
      });
    }
  }
  if (!steps.length) throw new Error('no adoption-check steps in the READMEs');
  return steps;
}

const stepsFor = pass =>
  readmeSteps().filter(step => !step.pass || step.pass === pass);

// What differs between an adopter's machine and this check, applied to what
// the READMEs say: the packages' published versions, where the Shipdeck
// clone and the app are, and the check's ports.
function adapt(text) {
  const versions = new Map(pluginPackages.map(p => [p.name, p.version]));
  return text
    .split('\n')
    .map(line =>
      /\byarn\b.*\badd\b/.test(line)
        ? line.replace(/(?<![\w/-])@shipdeck\/[\w-]+(?![\w@/-])/g, name =>
            versions.has(name) ? `${name}@^${versions.get(name)}` : name,
          )
        : line,
    )
    .join('\n')
    .replaceAll('../shipdeck/', `${root}/`)
    .replaceAll('../your-app/', `${app}/`)
    .replaceAll(
      `localhost:${DEMO_PORTS.emulator}`,
      `localhost:${PORTS.emulator}`,
    );
}

function insertInFile(step) {
  const file = join(app, step.file);
  const text = readFileSync(file, 'utf8');
  // The block's first line may only name the file it goes into.
  const code = `${step.code.replace(/^\/\/ [\w./-]+\n/, '')}\n`;
  const anchor = step.before ?? step.after ?? step.replace;
  let next;
  if (step.append) {
    next = `${text.replace(/\n*$/, '\n')}${adapt(code)}`;
  } else if (step.imports) {
    const imports = [...text.matchAll(/^import [^;]*? from '[^']+';\n/gm)];
    if (!imports.length)
      throw new Error(`${step.where}: no imports in ${step.file}`);
    const last = imports[imports.length - 1];
    const at = last.index + last[0].length;
    next = text.slice(0, at) + code + text.slice(at);
  } else if (anchor !== undefined) {
    const at = text.indexOf(anchor);
    if (at < 0) {
      throw new Error(
        `${step.where}: ${
          step.file
        } of the stock template has no ${JSON.stringify(anchor)}`,
      );
    }
    if (step.before !== undefined)
      next = text.slice(0, at) + code + text.slice(at);
    else if (step.after !== undefined) {
      next =
        text.slice(0, at + anchor.length) +
        code +
        text.slice(at + anchor.length);
    } else next = text.slice(0, at) + code + text.slice(at + anchor.length);
  } else {
    throw new Error(
      `${step.where}: a file step needs append, imports, before, after or replace`,
    );
  }
  writeFileSync(file, next);
  const how = step.append
    ? 'appended to'
    : step.imports
    ? 'imports of'
    : 'inserted in';
  log(`${step.where}: ${how} ${step.file}`);
}

function followReadmes(pass) {
  // Again here, so that `--from readme` picks up packages packed since.
  applyRegistryConstraints();
  for (const step of stepsFor(pass)) {
    if (step.start) continue; // long-running: the start stage runs it
    if (step.run) {
      log(`${step.where}:`);
      for (const line of step.code.split('\n')) {
        if (line.trim() && !line.trim().startsWith('#')) sh(adapt(line), app);
      }
    } else if (step.file) insertInFile(step);
    else
      throw new Error(`${step.where}: marker has neither run, file nor start`);
  }
  // The check's own ports, in the overlay a developer would put local
  // settings in; the built app is served by the backend.
  const base = `http://localhost:${PORTS.backend}`;
  writeFileSync(
    join(app, 'app-config.adoption.yaml'),
    [
      '# Written by scripts/adoption-check.mjs: ports apart from the demo.',
      `app:\n  baseUrl: ${base}`,
      `backend:\n  baseUrl: ${base}\n  listen:\n    port: ${PORTS.backend}\n  cors:\n    origin: ${base}`,
      // The check runs the production build (NODE_ENV unset), where the
      // template's guest sign-in is otherwise refused.
      'auth:\n  providers:\n    guest:\n      dangerouslyAllowOutsideDevelopment: true',
      '',
    ].join('\n'),
  );
}

// ── start ───────────────────────────────────────────────────────────────

function background(name, command, cwd, env) {
  log(`$ ${command}   (in ${cwd}, background)`);
  const child = spawn('bash', ['-c', command], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', chunk => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        lines.push(line);
        if (lines.length > 200) lines.shift();
      }
    });
  }
  const handle = { name, child, lines, exitCode: null };
  child.on('exit', code => {
    handle.exitCode = code ?? 1;
  });
  children.push(handle);
  return handle;
}

function stopAll() {
  for (const { child } of children.splice(0)) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

async function portFree(port) {
  return new Promise(resolvePort => {
    const server = createServer()
      .once('error', () => resolvePort(false))
      .once('listening', () => server.close(() => resolvePort(true)))
      .listen(port, '127.0.0.1');
  });
}

async function waitFor(check, what, timeoutMs, processes) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const p of processes) {
      if (p.exitCode !== null) {
        throw new Error(
          `${p.name} exited with ${
            p.exitCode
          } while waiting for ${what}:\n${p.lines.slice(-40).join('\n')}`,
        );
      }
    }
    const result = await check().catch(() => undefined);
    if (result) return result;
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: nothing after ${timeoutMs / 1000}s\n${processes
          .map(p => `-- ${p.name}:\n${p.lines.slice(-30).join('\n')}`)
          .join('\n')}`,
      );
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

async function startAndCheck(pass) {
  for (const [what, port] of Object.entries(PORTS)) {
    if (!(await portFree(port))) {
      throw new Error(
        `port ${port} (${what}) is in use; is another check running?`,
      );
    }
  }
  const emulatorStep = stepsFor(pass).find(step => step.start === 'emulator');
  if (!emulatorStep) throw new Error('no README step starts the emulator');
  rmSync(join(app, 'data'), { recursive: true, force: true });
  // The built backend, as `node packages/backend` runs it in the template's
  // Dockerfile: its code from the bundle `yarn build:backend` made, its
  // dependencies those the app installed; from packages/backend like
  // `yarn start`, so the template's relative paths (../../examples) hold.
  execFileSync(
    'tar',
    [
      'xzf',
      'dist/bundle.tar.gz',
      '--strip-components=3',
      '-C',
      'dist',
      'packages/backend/dist',
    ],
    { cwd: join(app, 'packages/backend') },
  );
  const backend = background(
    'backend',
    'node dist/index.cjs.js --config ../../app-config.yaml --config ../../app-config.adoption.yaml',
    join(app, 'packages/backend'),
    process.env,
  );
  const base = `http://localhost:${PORTS.backend}`;
  const token = await waitFor(
    async () => {
      const res = await fetch(`${base}/api/auth/guest/refresh`, {
        method: 'POST',
        signal: AbortSignal.timeout(5000),
      });
      return res.ok ? (await res.json()).backstageIdentity.token : undefined;
    },
    'the backend (guest sign-in)',
    240_000,
    [backend],
  );
  // The emulator reads the manifest repository the backend seeds at start
  // (data/shipdeck-manifests): started before it, it could look at a folder
  // that is not there yet and report every Application as Unknown.
  const emulator = background(
    'emulator',
    adapt(emulatorStep.code),
    emulatorStep.cwd === '../shipdeck' ? root : app,
    { ...process.env, ARGOCD_EMULATOR_PORT: String(PORTS.emulator) },
  );
  const environments = await waitFor(
    async () => {
      const res = await fetch(`${base}/api/gitops/environments`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!res.ok) throw new Error(String(res.status));
      return res.json();
    },
    'GET /api/gitops/environments',
    60_000,
    [backend, emulator],
  );
  const names = environments.environments.map(e => e.name);
  if (names.join() !== 'dev,staging,production') {
    throw new Error(
      `GET /api/gitops/environments answered ${JSON.stringify(environments)}`,
    );
  }
  log(`GET /api/gitops/environments: ${names.join(' → ')}`);
  await browserCheck(pass, base, [backend, emulator]);
}

async function browserCheck(pass, base, processes) {
  const { chromium } = await import('playwright-core');
  mkdirSync(artifacts, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
    });
    page.setDefaultTimeout(90_000);
    const pageErrors = [];
    page.on('pageerror', error => pageErrors.push(error.message));
    page.on('console', message => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    try {
      await entityPageCheck(pass, base, page, processes);
    } catch (error) {
      await page.screenshot({
        path: join(artifacts, `${pass}-failed.png`),
        fullPage: true,
      });
      error.message += `\n(screenshot: ${relative(
        root,
        join(artifacts, `${pass}-failed.png`),
      )}; page errors: ${pageErrors.slice(-10).join(' | ') || 'none'})`;
      throw error;
    }
  } finally {
    await browser.close();
  }
}

async function entityPageCheck(pass, base, page, processes) {
  {
    await page.goto(base);
    // The stock app asks to sign in; the guest provider is its default.
    const enter = page.getByRole('button', { name: 'Enter' });
    const nav = page.locator('nav[aria-label="sidebar nav"]');
    await enter.or(nav).first().waitFor();
    if (await enter.isVisible()) await enter.click();
    await nav.waitFor({ state: 'attached' });
    log('browser: signed in as guest');
    await page.goto(`${base}/catalog/default/component/cart`);
    // The legacy app's entity tabs are tabs; the new frontend system's
    // entity page header renders them as links.
    const tab = page
      .getByRole('tab', { name: 'Deployments', exact: true })
      .or(page.getByRole('link', { name: 'Deployments', exact: true }))
      .first();
    await tab.waitFor();
    await tab.click();
    const stage = name =>
      page.getByRole('region', { name: `Environment ${name}`, exact: true });
    await stage('dev').waitFor();
    await stage('production').waitFor();
    log("browser: cart's Deployments tab shows dev, staging, production");
    // Argo CD's status (from the emulator) arrives with the first snapshot.
    await waitFor(
      async () => (await stage('dev').getByText('Healthy').count()) > 0,
      "Argo CD's health on the dev stage",
      120_000,
      processes,
    );
    log('browser: dev is Healthy (read from the Argo CD emulator)');
    await page.screenshot({
      path: join(artifacts, `${pass}-deployments.png`),
      fullPage: true,
    });
  }
}

// ── main ────────────────────────────────────────────────────────────────

async function main() {
  log(`work folder ${work}${args.keep || args.work ? ' (kept)' : ''}`);
  const yarnVersion = execFileSync('yarn', ['--version'], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  log(`Node ${process.version}, Yarn ${yarnVersion}, ${CREATE_APP}`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing`);

  await stage('pack', packAll);
  for (const pass of passes) {
    await stage(`${pass}:create`, () => createFromTemplate(pass));
    await stage(`${pass}:readme`, () => followReadmes(pass));
    await stage(`${pass}:tsc`, () => sh('yarn tsc', app));
    await stage(`${pass}:build`, () => sh('yarn build:backend', app));
    await stage(`${pass}:start`, async () => {
      try {
        await startAndCheck(pass);
      } finally {
        stopAll();
      }
    });
  }
}

process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

try {
  await main();
  log(
    `PASSED in ${seconds(Date.now() - started)} (${timings
      .map(([name, ms]) => `${name} ${seconds(ms)}`)
      .join(', ')})`,
  );
} catch (error) {
  stopAll();
  log(`FAILED after ${seconds(Date.now() - started)}: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  if (!args.keep && !args.work) rmSync(work, { recursive: true, force: true });
}
