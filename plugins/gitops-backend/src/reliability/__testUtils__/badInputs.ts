import fc from 'fast-check';
import { RawRequest } from './rawHttp';
import { fillPath, RouteSpec } from './routeTable';

/**
 * Generators of requests that are wrong by construction: every one carries
 * at least one defect the backend must refuse (a malformed or unknown value,
 * a wrong type, an unknown field, a body that is not JSON or too large, a
 * path that leaves the repository, a YAML bomb), so the only right answer is
 * a 4xx with a message and nothing written. Valid parts around the defect
 * make the request reach past the schema into planning and the repository.
 */

const ENVIRONMENTS = ['dev', 'staging', 'production'];
/** Entities of the demo catalog plus `bomb`, whose manifest is a YAML bomb. */
export const ENTITIES = ['cart', 'orders', 'payments', 'notifier', 'worker'];
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** A billion-laughs document: 9^8 strings if every alias were expanded. */
export const YAML_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefgh'
    .split('')
    .map(
      (name, i) =>
        `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`,
    ),
  'images:',
  '  - name: registry.shop.example/shop/bomb',
  '    newTag: "1.0.0"',
  '',
].join('\n');

/** Over the routes' 1 MB JSON limit. */
const HUGE = `{"environment":"dev","version":"${'9'.repeat(1_100_000)}"}`;

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '../../etc/passwd',
    '..\\..\\windows',
    '%2e%2e%2f',
    '😀'.repeat(50),
    'Ω≈ç√∫˜µ≤≥÷',
    '\u202eevil',
    'a'.repeat(300),
    '${jndi:ldap://x}',
    "'; DROP TABLE gitops_deployments; --",
    '<script>alert(1)</script>',
    '--upload-pack=touch /tmp/pwned',
    'refs/heads/main',
    'HEAD~1',
  ),
);

/** Anything that is not a string: the wrong type for a string field. */
const notString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), {
    maxKeys: 3,
  }),
);
const notBoolean = fc.oneof(
  fc.constantFrom('true', 'false', 'yes', 1, 0, null),
  fc.string({ maxLength: 10 }),
  fc.array(fc.boolean(), { maxLength: 2 }),
);

const unknownEnvironment = text.filter(
  s => !ENVIRONMENTS.includes(s.trim()) && s.trim() !== '',
);
/** Neither a tag nor a digest, even after trimming: malformed versions. */
export const malformedVersion = fc.oneof(
  text.filter(s => {
    const t = s.trim();
    return t.length > 0 && t.length <= 255 && !TAG.test(t) && !DIGEST.test(t);
  }),
  fc.constantFrom(
    '1.2.3:latest',
    'v1/2',
    '-1.0',
    '.hidden',
    'x'.repeat(129),
    'sha256:xyz',
    `sha256:${'A'.repeat(64)}`,
    `sha256:${'0'.repeat(63)}`,
    `@sha256:${'0'.repeat(64)}`,
    'latest@sha256:abc',
    '1.0 ',
    'é1.0',
    '1.0\n2.0',
  ),
);
const hex = (minLength: number, maxLength: number) =>
  fc.string({
    unit: fc.constantFrom(...'0123456789abcdef'.split('')),
    minLength,
    maxLength,
  });
// Never empty: `/commits/` is no route (Backstage's bare 404).
const badSha = fc.oneof(
  hex(1, 39),
  hex(41, 64),
  text,
  fc.constantFrom(`${'G'.repeat(40)}`, `${'A'.repeat(40)}`),
);
/** Deploy tags that are malformed or name no tag of the repository. */
const badDeployTag = fc.oneof(
  text,
  fc
    .tuple(
      fc.constantFrom('shop', 'x', ''),
      fc.constantFrom('dev', 'staging', '??', ''),
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 2400 }),
      fc.string({ maxLength: 12 }),
    )
    .map(
      ([p, e, y, m, d, t, n]) =>
        `${p}/${e}/${y}/${String(m).padStart(2, '0')}/${String(d).padStart(
          2,
          '0',
        )}/${String(t).padStart(4, '0')}-${n}`,
    ),
);
const badPublishedPath = fc.oneof(
  fc.constantFrom(
    '../cart/x.yaml',
    'cart/../../etc/passwd',
    '/etc/passwd',
    'cart/./x.yaml',
    '.git/config',
    'cart/.hidden.yaml',
    'cart//x.yaml',
    'cart\\x.yaml',
    'other/x.yaml',
    'cart/x\u0000.yaml',
    `cart/${'a'.repeat(600)}.yaml`,
    '',
    'cart/',
  ),
  text.map(s => `cart/${s}/../../../x`),
);
const badYaml = fc.constantFrom(
  YAML_BOMB,
  'a: [1, 2\nb: {',
  'key: value\n  bad indent: - x',
  '\t- tabs: are not indentation',
  '*undefined_alias',
  '!!python/object/apply:os.system ["id"]',
  'a: &x 1\na: 2',
  '---\n- 1\n...\n%YAML 9.9\n---',
);

/** Sets one field of `base` to a bad value (or adds an unknown one). */
function corrupt(
  base: Record<string, unknown>,
  bad: Record<string, fc.Arbitrary<unknown>>,
  /** Fields whose absence alone makes the body wrong (default: all of base's). */
  required: string[] = Object.keys(base),
): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(bad).map(([key, value]) =>
    value.map(v => ({ ...base, [key]: v })),
  );
  return fc.oneof(
    ...fields,
    // An unknown field: the schemas are strict.
    fc
      .tuple(
        text.filter(k => !(k in base) && !(k in bad) && k !== '__proto__'),
        fc.jsonValue(),
      )
      .map(([k, v]) => ({ ...base, [k]: v })),
    // A required field missing.
    fc.constantFrom(...required).map(k => {
      const { [k]: _gone, ...rest } = base;
      return rest;
    }),
  );
}

const envOrBad = fc.oneof(fc.constantFrom(...ENVIRONMENTS), unknownEnvironment);

/**
 * Bodies for each mutation, by the last segment of its path: each a valid
 * request with one defect. Requests that would be valid with every field
 * right are never generated, so none may be answered 2xx.
 */
const bodies: Record<string, fc.Arbitrary<unknown>> = {
  deployments: fc.oneof(
    corrupt(
      { environment: 'dev', version: '9.9.9' },
      {
        environment: fc.oneof(unknownEnvironment, notString),
        version: fc.oneof(malformedVersion, notString),
        gitRef: text,
        sync: notBoolean,
        wait: notBoolean,
        dryRun: notBoolean,
      },
    ),
    fc.record({ environment: envOrBad, version: malformedVersion }),
    fc.record({
      environment: envOrBad,
      version: malformedVersion,
      dryRun: fc.constant(true),
    }),
  ),
  promotions: corrupt(
    { from: 'dev', to: 'staging' },
    {
      from: fc.oneof(unknownEnvironment, notString),
      to: fc.oneof(unknownEnvironment, notString, fc.constant('dev')),
      dryRun: notBoolean,
    },
  ).filter(b => !(b.from === 'dev' && b.to === 'staging')),
  rollbacks: fc.oneof(
    corrupt(
      { environment: 'dev', to: '1.0.0-never-deployed' },
      {
        environment: fc.oneof(unknownEnvironment, notString),
        to: fc.oneof(malformedVersion, notString),
      },
    ),
    fc.record({ environment: envOrBad, to: malformedVersion }),
  ),
  releases: corrupt(
    {
      environment: 'dev',
      entityRefs: ['component:default/cart'],
      versions: { 'component:default/cart': '9.9.9' },
    },
    {
      environment: fc.oneof(unknownEnvironment, notString),
      entityRefs: fc.oneof(
        notString,
        fc.constant([]),
        fc.array(fc.oneof(text, notString), { minLength: 1, maxLength: 3 }),
        fc.constant(Array(501).fill('component:default/cart')),
      ),
      versions: fc.oneof(
        notString,
        fc.record({ 'component:default/cart': malformedVersion }),
      ),
      system: fc.oneof(text, notString),
      name: fc.oneof(
        notString,
        text.filter(s => !/^[a-z0-9][a-z0-9.-]*$/.test(s)),
      ),
      from: fc.oneof(unknownEnvironment, notString),
    },
    // Without versions a release may take them from elsewhere: not a defect.
    ['environment', 'entityRefs'],
  ),
  'tag-deployments': fc.oneof(
    fc.record({ tag: badDeployTag }),
    corrupt(
      { tag: 'shop/dev/2026/01/02/1200-never-tagged' },
      {
        tag: fc.oneof(badDeployTag, notString),
        commit: badSha,
        promote: notBoolean,
        verifyImages: notBoolean,
      },
    ),
  ),
  manifests: fc.oneof(
    corrupt(
      { files: [{ path: 'cart/extra.yaml', content: YAML_BOMB }] },
      {
        files: fc.oneof(notString, fc.constant([]), fc.array(text)),
        repository: fc.oneof(text, notString),
        branch: fc.oneof(
          notString,
          fc.constantFrom('../x', 'a..b', '-x', 'x.lock', '@{1}', 'a b', '~'),
        ),
        pullRequest: notBoolean,
        overwrite: notBoolean,
        message: fc.oneof(notString, fc.constant('m'.repeat(4001))),
      },
    ),
    fc.record({
      files: fc.array(
        fc.oneof(
          fc.record({ path: badPublishedPath, content: fc.string() }),
          fc.record({ path: fc.constant('cart/extra.yaml'), content: badYaml }),
          fc.record({
            path: fc.constant('cart/extra.yaml'),
            content: fc.string(),
            environment: unknownEnvironment,
          }),
        ),
        { minLength: 1, maxLength: 3 },
      ),
      dryRun: fc.boolean(),
    }),
  ),
  sync: corrupt(
    { environment: 'zz-none' },
    {
      environment: fc.oneof(unknownEnvironment, notString),
      prune: notBoolean,
      resources: fc.oneof(
        notString,
        fc.array(fc.record({ kind: notString, name: text })),
      ),
      timeoutSeconds: fc.oneof(
        fc.constantFrom(0, -1, 3601, 1.5, '10'),
        notString,
      ),
      wait: notBoolean,
    },
  ),
  refresh: corrupt(
    { environment: 'zz-none' },
    { environment: fc.oneof(unknownEnvironment, notString), hard: notBoolean },
  ),
  terminate: corrupt(
    { environment: 'zz-none' },
    { environment: fc.oneof(unknownEnvironment, notString) },
  ),
  'argocd-rollbacks': corrupt(
    { environment: 'zz-none', historyId: 1 },
    {
      environment: fc.oneof(unknownEnvironment, notString),
      historyId: fc.oneof(fc.constantFrom(-1, 1.5, '1', null), notString),
      prune: notBoolean,
    },
  ),
  'rollout-actions': corrupt(
    { environment: 'zz-none', action: 'promote' },
    {
      environment: fc.oneof(unknownEnvironment, notString),
      action: fc.oneof(
        text.filter(
          s => !['promote', 'promote-full', 'abort', 'retry'].includes(s),
        ),
        notString,
      ),
    },
  ),
};

/** An entity path whose segments are valid and name demo entities (or the bomb). */
const goodEntity = fc.record({
  namespace: fc.constant('default'),
  kind: fc.constantFrom('component', 'Component'),
  name: fc.constantFrom(...ENTITIES, 'bomb'),
});
/** A path segment that is malformed, encoded oddly or names nothing. */
const badSegment = fc.oneof(
  text.filter(s => s.length > 0).map(encodeURIComponent),
  fc.constantFrom(
    '..',
    '%2e%2e',
    '.%2e',
    '%2F..%2F..',
    '%00',
    '%',
    '%zz',
    '%C0%AE',
    encodeURIComponent('名前'),
    'a'.repeat(300),
    '-',
    '~',
    'nobody',
  ),
);
const badEntity = fc.oneof(
  fc.record({
    namespace: badSegment,
    kind: fc.constant('component'),
    name: fc.constantFrom(...ENTITIES),
  }),
  fc.record({
    namespace: fc.constant('default'),
    kind: badSegment,
    name: fc.constantFrom(...ENTITIES),
  }),
  fc.record({
    namespace: fc.constant('default'),
    kind: fc.constant('component'),
    name: badSegment,
  }),
);

/** Bodies that are not the JSON object a route reads. */
const malformedBody: fc.Arbitrary<Pick<RawRequest, 'body' | 'headers'>> =
  fc.oneof(
    fc
      .constantFrom(
        '{',
        '{"environment":',
        "{'environment':'dev'}",
        '[]',
        'null',
        '"dev"',
        '12',
        '{"environment":"dev",}',
        // A byte-order mark is allowed; the unknown field is not.
        '\uFEFF{"environment":"dev","zz":1}',
        `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
        `{"a":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_001)}`,
        '{"__proto__":{"environment":"dev","version":"9.9.9"}}',
        '{"constructor":{"prototype":{"admin":true}}}',
      )
      .map(body => ({ body, headers: { 'content-type': 'application/json' } })),
    fc.constant({
      body: HUGE,
      headers: { 'content-type': 'application/json' },
    }),
    fc
      .constantFrom('text/plain', 'application/xml', 'multipart/form-data')
      .map(type => ({
        body: '{"environment":"dev","version":"9.9.9"}',
        headers: { 'content-type': type },
      })),
    fc.constant({
      body: Buffer.from([0xff, 0xfe, 0x7b, 0x00]),
      headers: { 'content-type': 'application/json; charset=utf-16' },
    }),
    fc.constant({
      body: '{"environment":"dev"}',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
    }),
  );

const idempotencyKey = fc.option(
  fc.oneof(fc.uuid(), fc.constantFrom('', ' ', 'k'.repeat(256), 'clé', 'a\tb')),
  { nil: undefined },
);

/** A query string with the given parameters (values encoded, arrays repeated). */
function query(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of ([] as unknown[]).concat(value)) {
      search.append(key, typeof v === 'string' ? v : JSON.stringify(v));
    }
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

/**
 * Query keys no route reads. Plain ones: the query parser drops keys such as
 * `__proto__` or `toString`, which would leave a valid query.
 */
const unknownKey = fc.stringMatching(/^zz[a-z0-9_]{0,10}$/);

/** Query parameters with one defect, for the reads that take a query. */
const badQueries: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  timeline: fc.oneof(
    fc.record({ before: text.filter(s => Number.isNaN(Date.parse(s))) }),
    fc.record({
      limit: fc.oneof(
        fc.constantFrom('0', '201', '-1', '1.5', 'abc', '1e400', ''),
        fc.integer({ min: 201 }).map(String),
      ),
    }),
    fc.record({ limit: fc.constant(['1', '2']) }),
    fc.dictionary(unknownKey, text, { minKeys: 1, maxKeys: 3 }),
  ),
  changes: fc.oneof(
    fc.record({ before: text.filter(s => Number.isNaN(Date.parse(s))) }),
    fc.record({
      limit: fc.constantFrom('0', '201', '-1', '1.5', 'abc', '1e400'),
    }),
    fc.record({
      kinds: fc.oneof(
        fc.constantFrom('deploys', 'deployment,nope', ',,x'),
        unknownKey,
      ),
    }),
  ),
  'source-changes': fc.oneof(
    fc.record({ from: fc.constantFrom('1.0.0') }),
    fc.record({ to: fc.constantFrom('1.0.0') }),
    fc.record({
      from: fc.constantFrom('', 'x'.repeat(201)),
      to: fc.constant('1.0.0'),
    }),
    fc.record({
      from: fc.constant('1.0.0'),
      to: fc.constantFrom('', 'y'.repeat(201)),
    }),
    fc.constant({}),
  ),
  overview: fc.oneof(
    fc.record({
      status: text.filter(
        s => !['all', 'problems', 'healthy', 'behind', 'drifted'].includes(s),
      ),
    }),
    fc.record({
      changedWithinHours: fc.constantFrom('-1', '721', 'abc', '1e9'),
    }),
    fc.record({ status: fc.constant(['all', 'healthy']) }),
    fc.record({ limit: fc.constantFrom('0', '1001', '1e400', 'abc', '-1') }),
    fc.record({ offset: fc.constantFrom('-1', '1e400', 'abc', '0.5') }),
    fc.dictionary(unknownKey, text, { minKeys: 1, maxKeys: 3 }),
  ),
  metrics: fc.oneof(
    fc.record({
      days: fc.constantFrom('0', '366', '-5', '1.5', 'abc', '', '1e3'),
    }),
    fc.record({ entity: fc.constantFrom('', ' ') }),
    fc.record({ entity: fc.constant(['cart', 'orders']) }),
    fc.dictionary(unknownKey, text, { minKeys: 1, maxKeys: 3 }),
  ),
};

/** Generated bad requests for one route of the table. */
export function badRequests(route: RouteSpec): fc.Arbitrary<RawRequest> {
  const action = route.path.split('/').pop()!;
  const json = (body: unknown) => ({
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  const get = (path: fc.Arbitrary<string>) =>
    path.map(p => ({ method: route.method, path: p }));

  if (route.input === 'none') {
    // Nothing to get wrong: junk query strings and headers must not hurt.
    return get(
      fc
        .dictionary(text.filter(Boolean), text, { maxKeys: 3 })
        .map(q => fillPath(route.path, {}) + query(q)),
    );
  }
  if (route.path.startsWith('/entities/') && route.method === 'GET') {
    if (badQueries[action]) {
      return get(
        fc.oneof(
          fc
            .tuple(goodEntity, badQueries[action])
            .map(([e, q]) => fillPath(route.path, e) + query(q)),
          badEntity.map(e => fillPath(route.path, e)),
        ),
      );
    }
    return get(badEntity.map(e => fillPath(route.path, e)));
  }
  if (action === 'overview' || action === 'metrics') {
    return get(
      badQueries[action].map(q => fillPath(route.path, {}) + query(q)),
    );
  }
  if (route.path === '/deployments/:id') {
    return get(
      fc
        .oneof(fc.uuid(), badSegment, fc.integer().map(String))
        .map(id => fillPath(route.path, { id })),
    );
  }
  if (route.path.startsWith('/repositories/')) {
    const repo = fc.oneof(fc.constant('demo'), badSegment);
    if (route.path.endsWith('/commits/:sha')) {
      return get(
        fc
          .tuple(
            repo,
            fc
              .oneof(badSha.map(encodeURIComponent), badSegment)
              .filter(Boolean),
          )
          .map(([r, sha]) => fillPath(route.path, { repo: r, sha })),
      );
    }
    if (route.path.endsWith('/files/*')) {
      const file = fc.oneof(
        fc.constantFrom(
          '../../../../etc/passwd',
          '..%2F..%2F..%2Fetc%2Fpasswd',
          '%2e%2e/%2e%2e/config',
          'cart/../../HEAD',
          '.git/config',
          'config',
          'HEAD',
          '%00',
          'cart/overlays/dev/kustomization.yaml%00',
          '',
        ),
        text.filter(Boolean).map(encodeURIComponent),
      );
      const ref = fc.option(
        fc.oneof(
          text,
          fc.constantFrom(
            '--output=/tmp/x',
            'main:cart',
            '../main',
            'HEAD@{0}',
          ),
        ),
        { nil: undefined },
      );
      return get(
        fc
          .tuple(repo, file, ref)
          .map(
            ([r, f, b]) =>
              fillPath(route.path, { repo: r, '*': f }) +
              (b === undefined ? '' : query({ ref: b })),
          ),
      );
    }
    const number = fc.oneof(
      fc.constantFrom(
        '0',
        '-1',
        '1.5',
        '1e3',
        'abc',
        '99999999999',
        '%20',
        '1',
      ),
      fc.integer({ min: 1, max: 1e6 }).map(String),
      badSegment,
    );
    return fc.tuple(repo, number, idempotencyKey).map(([r, n, key]) => ({
      method: route.method,
      path: fillPath(route.path, { repo: r, number: n }),
      headers: key === undefined ? {} : { 'idempotency-key': key },
    })) as fc.Arbitrary<RawRequest>;
  }

  // Body routes: a defective body for a real entity, a good-looking body for
  // a bad entity, or a body that is not JSON at all.
  const body = bodies[action];
  if (!body) {
    throw new Error(`No bad bodies for ${route.method} ${route.path}`);
  }
  const entityPath = (e: Record<string, string>) =>
    route.path.includes(':name')
      ? fillPath(route.path, e)
      : fillPath(route.path, {});
  return fc
    .tuple(
      fc.oneof(
        { weight: 6, arbitrary: fc.tuple(goodEntity, body.map(json)) },
        {
          weight: 2,
          arbitrary: fc.tuple(badEntity, body.map(json)),
        },
        {
          weight: 2,
          arbitrary: fc.tuple(
            route.path.includes(':name') ? goodEntity : fc.constant({}),
            malformedBody,
          ),
        },
        {
          weight: 1,
          arbitrary: fc.tuple(goodEntity, fc.anything().map(json)),
        },
      ),
      idempotencyKey,
    )
    .map(([[entity, payload], key]) => ({
      method: route.method,
      path: entityPath(entity as Record<string, string>),
      body: payload.body,
      headers: {
        ...payload.headers,
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
    }));
}
