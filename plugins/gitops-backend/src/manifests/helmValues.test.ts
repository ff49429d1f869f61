import { InputError } from '@backstage/errors';
import { parseDocument } from 'yaml';
import { readHelmValue, setHelmValue } from './helmValues';
import {
  expectOnlyValueChanged,
  lineOf,
  readExample,
} from './__testUtils__/diff';

const FILE = 'charts/notifier/values-dev.yaml';

const VALUES = `# notifier in dev: overrides for values.yaml
replicaCount: 2

defaults: &defaults
  image:
    repository: registry.shop.example/shop/notifier
    tag: "1.11.4"   # pinned until the SMTP fix ships
    pullPolicy: IfNotPresent
  resources: { requests: { cpu: 50m, memory: 96Mi } }

image:
  repository: registry.shop.example/shop/notifier
  tag: 1.11.4
  digest: ''

sidecar:
  image:
    tag: 'v2.0.1' # single-quoted on purpose
    version: 1.10

worker:
  <<: *defaults
  replicaCount: 1

jobs:
  - name: migrate
    image:
      tag: "0.3.0"
  - name: report
    containers:
      - name: main
        image: { repository: registry.shop.example/shop/report, tag: 0.9.1 }

sharedTag: &sharedTag "5.0.0"
exporter:
  tag: *sharedTag
cron:
  schedule: |
    0 3 * * *
  tag:
  nothing: ~
`;

function set(keyPath: string, value: string, content = VALUES) {
  return setHelmValue(content, { file: FILE, keyPath, value });
}

function valueAt(content: string, keyPath: string): unknown {
  return parseDocument(content).getIn(
    keyPath
      .split(/[.[\]]+/)
      .filter(Boolean)
      .map(step => (/^\d+$/.test(step) ? Number(step) : step)),
  );
}

describe('readHelmValue', () => {
  it.each([
    ['replicaCount', '2'],
    ['image.tag', '1.11.4'],
    ['image.repository', 'registry.shop.example/shop/notifier'],
    ['defaults.image.tag', '1.11.4'],
    ['sidecar.image.tag', 'v2.0.1'],
    // As written, not the number 1.1 that YAML makes of it.
    ['sidecar.image.version', '1.10'],
    ['jobs[0].image.tag', '0.3.0'],
    ['jobs[1].containers[0].image.tag', '0.9.1'],
    ['worker.image.tag', '1.11.4'],
    ['worker.replicaCount', '1'],
    ['exporter.tag', '5.0.0'],
    ['image.digest', ''],
    ['cron.tag', undefined],
    ['cron.nothing', undefined],
  ])('reads %s', (keyPath, expected) => {
    expect(readHelmValue(VALUES, { file: FILE, keyPath })).toBe(expected);
  });

  it('throws for a missing key like a write would', () => {
    expect(() =>
      readHelmValue(VALUES, { file: FILE, keyPath: 'image.version' }),
    ).toThrow(`${FILE} has no key image.version`);
  });
});

describe('setHelmValue', () => {
  it('changes a plain tag and nothing else', () => {
    const result = set('image.tag', '1.12.0');
    expect(result.previous).toBe('1.11.4');
    expectOnlyValueChanged(VALUES, result.content, [
      { line: 13, from: 'tag: 1.11.4', to: 'tag: 1.12.0' },
    ]);
    expect(valueAt(result.content, 'image.tag')).toBe('1.12.0');
  });

  it('keeps double quotes and the comment after the value', () => {
    const result = set('defaults.image.tag', '1.12.0');
    expect(result.previous).toBe('1.11.4');
    expectOnlyValueChanged(VALUES, result.content, [
      { line: 7, from: '"1.11.4"', to: '"1.12.0"' },
    ]);
    expect(result.content).toContain(
      'tag: "1.12.0"   # pinned until the SMTP fix ships\n',
    );
  });

  it('keeps single quotes', () => {
    const result = set('sidecar.image.tag', "v2.1.0-it's");
    expect(result.previous).toBe('v2.0.1');
    expectOnlyValueChanged(VALUES, result.content, [
      { line: 18, from: "'v2.0.1'", to: "'v2.1.0-it''s'" },
    ]);
    expect(valueAt(result.content, 'sidecar.image.tag')).toBe("v2.1.0-it's");
  });

  it.each([
    ['1.10', '"1.10"'],
    ['1e3', '"1e3"'],
    ['010', '"010"'],
    ['true', '"true"'],
    ['yes', '"yes"'],
    ['null', '"null"'],
    ['1:20', '"1:20"'],
    ['a: b', '"a: b"'],
    ['x #y', '"x #y"'],
    ['*alias', '"*alias"'],
    ['v1.10', 'v1.10'],
    ['sha256:abc', 'sha256:abc'],
  ])(
    'writes %s into a plain scalar as %s so it reads back as that string',
    (value, written) => {
      const result = set('image.tag', value);
      expectOnlyValueChanged(VALUES, result.content, [
        { line: 13, from: '1.11.4', to: written },
      ]);
      expect(valueAt(result.content, 'image.tag')).toBe(value);
    },
  );

  it('replaces a plain number that YAML would not keep as written', () => {
    const result = set('sidecar.image.version', '1.11');
    expect(result.previous).toBe('1.10');
    expectOnlyValueChanged(VALUES, result.content, [
      { line: 19, from: '1.10', to: '"1.11"' },
    ]);
    expect(valueAt(result.content, 'sidecar.image.version')).toBe('1.11');
  });

  it('edits inside list items and flow maps', () => {
    const first = set('jobs[0].image.tag', '0.4.0');
    expectOnlyValueChanged(VALUES, first.content, [
      { line: 28, from: '"0.3.0"', to: '"0.4.0"' },
    ]);
    const second = set('jobs[1].containers[0].image.tag', '0.10.0');
    expect(second.previous).toBe('0.9.1');
    expectOnlyValueChanged(VALUES, second.content, [
      { line: 32, from: 'tag: 0.9.1 }', to: 'tag: 0.10.0 }' },
    ]);
    expect(valueAt(second.content, 'jobs[1].containers[0].image.tag')).toBe(
      '0.10.0',
    );
  });

  // worker.image.tag only exists through `<<: *defaults`: the value lives
  // under the anchor, so that is the one line that changes (and every map that
  // merges the defaults sees it, as the file says they share it).
  it('follows a merge key to the anchored map', () => {
    const result = set('worker.image.tag', '1.12.0');
    expect(result.previous).toBe('1.11.4');
    expectOnlyValueChanged(VALUES, result.content, [
      { line: 7, from: '"1.11.4"', to: '"1.12.0"' },
    ]);
    const parsed = parseDocument(result.content, { merge: true }).toJS();
    expect(parsed.worker.image.tag).toBe('1.12.0');
    expect(parsed.worker.replicaCount).toBe(1);
  });

  it('lets a map override what it merges', () => {
    const result = set('worker.replicaCount', '3');
    expect(result.previous).toBe('1');
    expectOnlyValueChanged(VALUES, result.content, [
      { line: 23, from: '1', to: '"3"' },
    ]);
  });

  it('follows an alias value to its anchor and keeps the anchor', () => {
    const result = set('exporter.tag', '5.1.0');
    expect(result.previous).toBe('5.0.0');
    expectOnlyValueChanged(VALUES, result.content, [
      { line: 34, from: '"5.0.0"', to: '"5.1.0"' },
    ]);
    expect(result.content).toContain('sharedTag: &sharedTag "5.1.0"\n');
    expect(result.content).toContain('  tag: *sharedTag\n');
  });

  it('follows a map that is an alias of another', () => {
    const content = [
      'base: &base',
      '  image:',
      '    tag: "1.0.0" # shared',
      'canary: *base',
      '',
    ].join('\n');
    const result = set('canary.image.tag', '1.1.0', content);
    expect(result.previous).toBe('1.0.0');
    expectOnlyValueChanged(content, result.content, [
      { line: 3, from: '"1.0.0"', to: '"1.1.0"' },
    ]);
    expect(parseDocument(result.content).toJS().canary.image.tag).toBe('1.1.0');
  });

  it('fills an empty or null value', () => {
    const empty = set('cron.tag', '1.0.0');
    expect(empty.previous).toBeUndefined();
    expectOnlyValueChanged(VALUES, empty.content, [
      { line: lineOf(VALUES, '  tag:', 38), from: 'tag:', to: 'tag: 1.0.0' },
    ]);
    const nothing = set('cron.nothing', '1.0.0');
    expectOnlyValueChanged(VALUES, nothing.content, [
      { line: lineOf(VALUES, 'nothing: ~'), from: '~', to: '1.0.0' },
    ]);
    const emptyString = set('image.digest', 'sha256:abc');
    expect(emptyString.previous).toBe('');
    expectOnlyValueChanged(VALUES, emptyString.content, [
      { line: 14, from: "''", to: "'sha256:abc'" },
    ]);
  });

  it('returns the same text when the value is already there', () => {
    expect(set('defaults.image.tag', '1.11.4').content).toBe(VALUES);
    expect(set('sidecar.image.tag', 'v2.0.1').content).toBe(VALUES);
    expect(set('image.tag', '1.11.4').content).toBe(VALUES);
  });

  it('keeps CRLF line endings', () => {
    const crlf = VALUES.replace(/\n/g, '\r\n');
    const result = set('image.tag', '1.12.0', crlf);
    expect(result.content).toBe(
      crlf.replace('  tag: 1.11.4\r\n', '  tag: 1.12.0\r\n'),
    );
  });

  describe('errors', () => {
    it.each([
      ['image.version'],
      ['images.tag'],
      ['jobs[2].image.tag'],
      ['jobs.image.tag'],
      ['replicaCount.value'],
      ['image.tag.value'],
      ['cron.tag.value'],
    ])('names the file and the missing key %s', keyPath => {
      expect(() => set(keyPath, '1')).toThrow(InputError);
      expect(() => set(keyPath, '1')).toThrow(`${FILE} has no key ${keyPath}`);
    });

    it.each([
      ['image', 'a map'],
      ['jobs', 'a list'],
      ['jobs[0]', 'a map'],
      ['defaults.resources', 'a map'],
      ['cron.schedule', 'a block scalar'],
    ])('refuses to replace %s, which is %s', (keyPath, what) => {
      expect(() => set(keyPath, '1')).toThrow(
        `${FILE}: ${keyPath} is ${what}, not a single-line value`,
      );
    });

    it.each(['', 'image..tag', '.tag', 'image.', 'jobs[x].tag', 'jobs[0'])(
      'rejects the key path %j',
      keyPath => {
        expect(() => set(keyPath, '1')).toThrow(
          `${FILE}: "${keyPath}" is not a key path`,
        );
      },
    );

    it('names the file when the YAML does not parse', () => {
      expect(() => set('image.tag', '1', 'image:\n  tag: [1.0\n')).toThrow(
        `${FILE}: YAML does not parse: `,
      );
      expect(() => set('image.tag', '1', 'a: 1\n---\nb: 2\n')).toThrow(
        /YAML does not parse: Source contains multiple documents/,
      );
    });

    it('treats an empty file as having no keys', () => {
      expect(() => set('image.tag', '1', '')).toThrow(
        `${FILE} has no key image.tag`,
      );
    });
  });
});

describe('the example chart', () => {
  it.each(['dev', 'staging', 'production'])(
    'changes only image.tag of values-%s.yaml',
    env => {
      const file = `charts/notifier/values-${env}.yaml`;
      const before = readExample(file);
      const previous = readHelmValue(before, { file, keyPath: 'image.tag' });
      const result = setHelmValue(before, {
        file,
        keyPath: 'image.tag',
        value: '1.0.0',
      });
      expect(result.previous).toBe(previous);
      expectOnlyValueChanged(before, result.content, [
        { line: 5, from: `"${previous}"`, to: '"1.0.0"' },
      ]);
    },
  );
});
