import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import fc from 'fast-check';
import { validate } from 'jsonschema';
import knexFactory from 'knex';
// The gitops backend's demo setup and state fingerprints, to prove the
// refused actions wrote nothing; tests only.
/* eslint-disable @backstage/no-forbidden-package-imports, @backstage/no-mixed-plugin-imports */
import {
  exampleConfig,
  exampleEntities,
} from '@shipdeck/plugin-gitops-backend/src/__testUtils__/exampleBackend';
import {
  malformedVersion,
  YAML_BOMB,
} from '@shipdeck/plugin-gitops-backend/src/reliability/__testUtils__/badInputs';
import {
  databaseFingerprint,
  refsOf,
} from '@shipdeck/plugin-gitops-backend/src/reliability/__testUtils__/stateFingerprint';
/* eslint-enable @backstage/no-forbidden-package-imports, @backstage/no-mixed-plugin-imports */
import { execFileSync } from 'node:child_process';
import { runAction, startGitopsBackend } from '../__testUtils__/gitopsBackend';
import { scaffolderModuleGitops } from '../module';
import { createArgocdApplicationCreateAction } from '../actions/argocdApplicationCreate';
import { createArgocdSyncAction } from '../actions/argocdSync';
import { createGitopsDeployAction } from '../actions/gitopsDeploy';
import { createGitopsEnvironmentsListAction } from '../actions/gitopsEnvironmentsList';
import { createGitopsManifestsCreateAction } from '../actions/gitopsManifestsCreate';
import { createGitopsManifestsPublishAction } from '../actions/gitopsManifestsPublish';
import { createGitopsPromoteAction } from '../actions/gitopsPromote';

const FACTORIES = [
  createGitopsEnvironmentsListAction,
  createGitopsManifestsPublishAction,
  createGitopsDeployAction,
  createGitopsPromoteAction,
  createArgocdSyncAction,
  createGitopsManifestsCreateAction,
  createArgocdApplicationCreateAction,
];

jest.setTimeout(180_000);

/** Fixed so a failure repeats; RELIABILITY_SEED=<n> replays another run. */
const SEED = Number(process.env.RELIABILITY_SEED ?? 1313);
const PER_ACTION = Number(process.env.RELIABILITY_PER_ACTION ?? 150);

/** A valid-looking input per action, which the sweep spoils. */
const BASES: Record<string, Record<string, unknown>> = {
  'gitops:environments:list': {},
  'gitops:deploy': {
    entityRef: 'component:default/cart',
    environment: 'dev',
    version: '9.9.9',
  },
  'gitops:promote': {
    entityRef: 'component:default/cart',
    from: 'dev',
    to: 'staging',
  },
  'argocd:sync': { entityRef: 'component:default/cart', environment: 'dev' },
  // The workspace's manifests hold a YAML bomb: never publishable.
  'gitops:manifests:publish': {
    entityRef: 'component:default/cart',
    sourcePath: 'manifests',
  },
  'gitops:manifests:create': {
    name: 'newsvc',
    image: 'registry.shop.example/shop/newsvc',
    version: '1.0.0',
    port: 8080,
  },
  'argocd:application:create': {
    name: 'newsvc',
    environments: ['dev', 'staging'],
    repoURL: 'https://github.com/acme/deploy.git',
  },
};

const traversal = fc.constantFrom(
  '../../../etc',
  '/etc',
  '..',
  'a/../../..',
  '.git',
  'x\u0000y',
);
const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '😀'.repeat(40),
    'a'.repeat(300),
    '${{ secrets.x }}',
  ),
);
/** Values that are wrong for a field whatever else the input says. */
const SEMANTIC: Record<string, fc.Arbitrary<unknown>> = {
  entityRef: fc.constantFrom(
    'component:default/nobody',
    'user:default/guest',
    '::',
    'component:default/../cart',
    'component:default/cart/extra',
    '',
    'コンポーネント',
  ),
  environment: text.filter(
    s => !['dev', 'staging', 'production'].includes(s.trim()),
  ),
  from: text.filter(s => !['dev', 'staging', 'production'].includes(s.trim())),
  to: text.filter(s => !['dev', 'staging', 'production'].includes(s.trim())),
  version: malformedVersion,
  sourcePath: traversal,
  targetPath: traversal,
  basePath: traversal,
  overlayPath: traversal,
  valuesPath: traversal,
  commonValuesPath: traversal,
  catalogInfoPath: traversal,
  name: fc.constantFrom(
    '../x',
    'UPPER',
    'a b',
    'ñame',
    'x'.repeat(64),
    '-x',
    '',
  ),
  image: fc.constantFrom('UPPER/x', 'a b', 'x:', 'x@sha256:zz', '', '/x'),
  port: fc.constantFrom(-1, 0, 65536, 1.5),
  repository: fc.constantFrom('local:nope', 'github.com/../x', 'x'),
  branch: fc.constantFrom('../x', 'a..b', '-x', 'x.lock', 'a b'),
};

/** A JSON value of another type than `type`. */
function wrongType(type: string): fc.Arbitrary<unknown> {
  const all: Record<string, fc.Arbitrary<unknown>> = {
    string: fc.string(),
    number: fc.double({ noNaN: true }),
    boolean: fc.boolean(),
    array: fc.array(fc.string(), { maxLength: 2 }),
    object: fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), {
      maxKeys: 2,
    }),
    null: fc.constant(null),
  };
  const others = Object.entries(all)
    .filter(([t]) => t !== type && !(type === 'integer' && t === 'number'))
    .map(([, a]) => a);
  return fc.oneof(...others);
}

/** Inputs for an action, each with at least one defect that must be refused. */
function badInputs(
  schema: {
    properties?: Record<string, { type?: unknown }>;
    required?: string[];
  },
  base: Record<string, unknown>,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  const defects: Array<fc.Arbitrary<Record<string, unknown>>> = [];
  const typed = names.filter(n => typeof properties[n].type === 'string');
  if (typed.length) {
    defects.push(
      fc.constantFrom(...typed).chain(n =>
        wrongType(properties[n].type as string).map(v => ({
          ...base,
          [n]: v,
        })),
      ),
    );
  }
  const required = (schema.required ?? []).filter(n => n in base);
  if (required.length) {
    defects.push(
      fc.constantFrom(...required).map(n => {
        const { [n]: _gone, ...rest } = base;
        return rest;
      }),
    );
  }
  const semantic = names.filter(n => SEMANTIC[n]);
  if (semantic.length) {
    defects.push(
      fc
        .constantFrom(...semantic)
        .chain(n => SEMANTIC[n].map(v => ({ ...base, [n]: v }))),
    );
  }
  // Junk beside the defect, under names the action does not read.
  const junk = fc.dictionary(
    fc.string({ maxLength: 12 }).filter(k => !names.includes(k)),
    fc.jsonValue(),
    { maxKeys: 2 },
  );
  if (!defects.length) return junk;
  return fc
    .tuple(fc.oneof(...defects), junk)
    .map(([bad, extra]) => ({ ...extra, ...bad }));
}

/** Failures a template author can act on: the scaffolder's "4xx". */
function isCleanRefusal(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  if (!e?.message?.trim()) return false;
  if (/Shipdeck refused \(5\d\d\)/.test(e.message)) return false;
  return (
    [
      'InputError',
      'NotFoundError',
      'NotAllowedError',
      'ConflictError',
    ].includes(e.name ?? '') || /Shipdeck refused \(4\d\d\)/.test(e.message)
  );
}

const mockOptions = {
  auth: mockServices.auth(),
  discovery: mockServices.discovery(),
};

describe('bad input to every scaffolder action', () => {
  it(`refuses ${PER_ACTION} generated bad inputs per action cleanly and writes nothing`, async () => {
    // Every action the module registers is in the sweep.
    const registered: Array<{ id: string }> = [];
    await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          { addActions: (...actions: any[]) => registered.push(...actions) },
        ],
      ],
      features: [scaffolderModuleGitops],
    });
    expect(registered.map(a => a.id).sort()).toEqual(Object.keys(BASES).sort());
    expect(FACTORIES.map(f => f(mockOptions).id).sort()).toEqual(
      Object.keys(BASES).sort(),
    );

    const root = mkdtempSync(join(tmpdir(), 'shipdeck-action-sweep-'));
    const repoDir = join(root, 'manifests.git');
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    const backend = await startGitopsBackend({
      gitops: {
        manifests: exampleConfig(repoDir).gitops.manifests,
      },
      entities: exampleEntities(),
      features: [mockServices.database.factory({ knex })],
    });
    const git = (...args: string[]) =>
      execFileSync('git', ['--git-dir', repoDir, ...args], {
        encoding: 'utf8',
      }).trim();
    const refs = refsOf(git);
    const db = await databaseFingerprint(knex);
    const workspaces = join(root, 'workspaces');
    mkdirSync(workspaces);

    const failures: string[] = [];
    let runs = 0;
    let refusedBySchema = 0;
    const started = Date.now();
    try {
      for (const factory of FACTORIES) {
        // Wired to this backend, as the module wires it to the real one.
        const action = factory(backend.options) as TemplateAction<
          any,
          any,
          any
        >;
        const schema = action.schema?.input as any;
        const inputs = fc.sample(badInputs(schema ?? {}, BASES[action.id]), {
          seed: SEED,
          numRuns: PER_ACTION,
        });
        for (const input of inputs) {
          runs++;
          // The scaffolder checks the input against the action's schema
          // before it runs the step.
          if (schema && !validate(input, schema).valid) {
            refusedBySchema++;
            continue;
          }
          const workspacePath = mkdtempSync(join(workspaces, 'ws-'));
          mkdirSync(join(workspacePath, 'manifests/cart'), { recursive: true });
          writeFileSync(
            join(workspacePath, 'manifests/cart/extra.yaml'),
            YAML_BOMB,
          );
          try {
            await runAction(action, input, { workspacePath });
            if (action.id !== 'gitops:environments:list') {
              failures.push(`${action.id} accepted ${JSON.stringify(input)}`);
            }
          } catch (error) {
            if (!isCleanRefusal(error)) {
              failures.push(
                `${action.id} failed with ${(error as Error).name}: ${
                  (error as Error).message
                } for ${JSON.stringify(input)}`,
              );
            }
          }
        }
      }
      // eslint-disable-next-line no-console
      console.log(
        `scaffolder bad-input sweep: ${runs} inputs over ${
          registered.length
        } actions in ${((Date.now() - started) / 1000).toFixed(
          1,
        )} s (seed ${SEED}); ${refusedBySchema} refused by the input schema, ${
          runs - refusedBySchema
        } by the action or the backend`,
      );
      if (failures.length) {
        throw new Error(
          `${
            failures.length
          } bad inputs mishandled (seed ${SEED}; rerun with RELIABILITY_SEED=${SEED}):\n${[
            ...new Set(failures),
          ]
            .slice(0, 15)
            .join('\n')}`,
        );
      }
      expect(refsOf(git)).toBe(refs);
      expect(await databaseFingerprint(knex)).toEqual(db);
      // Nothing was written beside the workspaces (no path escaped one).
      expect(readdirSync(root).sort()).toEqual(['manifests.git', 'workspaces']);
    } finally {
      await backend.stop();
      await knex.destroy();
    }
  });
});
