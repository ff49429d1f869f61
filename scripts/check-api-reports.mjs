#!/usr/bin/env node
// Checks that each plugin's report.api.md (and report-alpha.api.md) matches
// its exports. API Extractor prints the members of an inferred union or
// object type in the order TypeScript happened to create them, which differs
// between a fresh and an incremental type check (zod-inferred action inputs,
// Backstage's extension group union), so `api-reports --ci` fails on order
// alone. This regenerates the reports and compares them as sets of lines:
// any added, removed or changed line of the API fails; a new order does not.
// A report that really changed is left regenerated for you to commit.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = [
  'plugins/gitops-common',
  'plugins/gitops-backend',
  'plugins/scaffolder-backend-module-gitops',
  'plugins/gitops',
];
const reportsOf = pkg =>
  ['report.api.md', 'report-alpha.api.md']
    .map(name => join(root, pkg, name))
    .filter(file => {
      try {
        readFileSync(file);
        return true;
      } catch {
        return false;
      }
    });

const before = new Map(
  PACKAGES.flatMap(reportsOf).map(file => [file, readFileSync(file, 'utf8')]),
);
execFileSync(
  'yarn',
  [
    'backstage-repo-tools',
    'api-reports',
    '--allow-all-warnings',
    '-o',
    'ae-wrong-input-file-type',
    ...PACKAGES,
  ],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
);

const lines = text =>
  text
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean)
    .sort();
const changed = [];
for (const file of new Set([
  ...before.keys(),
  ...PACKAGES.flatMap(reportsOf),
])) {
  const old = before.get(file) ?? '';
  const now = readFileSync(file, 'utf8');
  const a = lines(old);
  const b = lines(now);
  if (a.length === b.length && a.every((line, i) => line === b[i])) {
    // Same API, other order: keep the committed file as it was.
    writeFileSync(file, old);
  } else {
    const removed = a.filter(line => !b.includes(line));
    const added = b.filter(line => !a.includes(line));
    changed.push(file);
    console.error(
      `\n${file.slice(root.length + 1)} no longer matches the exports:`,
    );
    for (const line of removed.slice(0, 20)) console.error(`  - ${line}`);
    for (const line of added.slice(0, 20)) console.error(`  + ${line}`);
  }
}
if (changed.length) {
  console.error(
    `\n${changed.length} API report(s) changed; the regenerated files are in place: review and commit them.`,
  );
  process.exit(1);
}
console.log(
  `API reports match the exports (${before.size} reports, order aside)`,
);
