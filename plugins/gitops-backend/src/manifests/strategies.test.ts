import { InputError } from '@backstage/errors';
import { WRITE_STRATEGIES } from '@shipdeck/plugin-gitops-common';
import { EditTarget, readVersion, writeVersion } from './strategies';
import {
  expectOnlyValueChanged,
  lineOf,
  listExamples,
  readExample,
} from './__testUtils__/diff';

const DIGEST = `sha256:${'deadbeef'.repeat(8)}`;

const KUSTOMIZATION = `images:
  - name: registry.shop.example/shop/cart
    newTag: "1.11.4"
`;
const VALUES = `image:
  tag: "0.9.3" # pinned
`;
const MANIFEST = `---
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: worker
          image: registry.shop.example/shop/worker:1.1.0
`;

const kustomize: EditTarget = {
  file: 'cart/overlays/dev/kustomization.yaml',
  strategy: 'kustomize-images',
  image: 'registry.shop.example/shop/cart',
};
const helm: EditTarget = {
  file: 'charts/notifier/values-dev.yaml',
  strategy: 'helm-values',
  key: 'image.tag',
};
const raw: EditTarget = {
  file: 'dev/worker/workloads.yaml',
  strategy: 'raw-image',
  image: 'registry.shop.example/shop/worker',
};

const CASES = [
  {
    target: kustomize,
    content: KUSTOMIZATION,
    current: '1.11.4',
    line: 3,
    from: '"1.11.4"',
    to: '"1.12.0"',
  },
  {
    target: helm,
    content: VALUES,
    current: '0.9.3',
    line: 2,
    from: '"0.9.3"',
    to: '"1.12.0"',
  },
  {
    target: raw,
    content: MANIFEST,
    current: '1.1.0',
    line: 8,
    from: ':1.1.0',
    to: ':1.12.0',
  },
];

describe.each(CASES)(
  'the $target.strategy strategy',
  ({ target, content, current, line, from, to }) => {
    it('reads the version', () => {
      expect(readVersion(content, target)).toBe(current);
    });

    it('writes the version and reports what it replaced', () => {
      const result = writeVersion(content, target, '1.12.0');
      expect(result.changed).toBe(true);
      expect(result.previous).toBe(current);
      expectOnlyValueChanged(content, result.content, [{ line, from, to }]);
      expect(readVersion(result.content, target)).toBe('1.12.0');
    });

    it('writes a digest', () => {
      const result = writeVersion(content, target, DIGEST);
      expect(result.changed).toBe(true);
      expect(readVersion(result.content, target)).toBe(DIGEST);
    });

    it('leaves the file alone when the version is already there', () => {
      const result = writeVersion(content, target, current);
      expect(result).toEqual({ content, previous: current, changed: false });
      const again = writeVersion(
        writeVersion(content, target, '2.0.0').content,
        target,
        '2.0.0',
      );
      expect(again.changed).toBe(false);
      expect(again.previous).toBe('2.0.0');
    });

    it('rejects a malformed version, naming the file', () => {
      expect(() => writeVersion(content, target, 'not a tag')).toThrow(
        InputError,
      );
      expect(() => writeVersion(content, target, 'not a tag')).toThrow(
        `${target.file}: "not a tag" is not a valid image tag`,
      );
      expect(() => writeVersion(content, target, 'sha256:1234')).toThrow(
        `${target.file}: "sha256:1234" is not a valid image digest`,
      );
    });

    it('names the file when the YAML does not parse', () => {
      const broken = `${content}  bad: [\n`;
      expect(() => readVersion(broken, target)).toThrow(
        `${target.file}: YAML does not parse: `,
      );
      expect(() => writeVersion(broken, target, '1.0.0')).toThrow(
        `${target.file}: YAML does not parse: `,
      );
    });
  },
);

it('covers every write strategy', () => {
  expect(CASES.map(({ target }) => target.strategy).sort()).toEqual(
    [...WRITE_STRATEGIES].sort(),
  );
});

describe('target configuration', () => {
  it('needs a key for helm-values and assumes none', () => {
    const target: EditTarget = { ...helm, key: undefined };
    expect(() => readVersion(VALUES, target)).toThrow(
      'charts/notifier/values-dev.yaml: the helm-values strategy needs the key of the value to change',
    );
    expect(() => writeVersion(VALUES, target, '1.0.0')).toThrow(InputError);
    // An image is not a substitute for the key.
    expect(() =>
      writeVersion(VALUES, { ...target, image: 'acme/notifier' }, '1.0.0'),
    ).toThrow('needs the key');
  });

  it.each([kustomize, raw])('needs an image for $strategy', target => {
    const withoutImage: EditTarget = { ...target, image: undefined };
    expect(() => readVersion(KUSTOMIZATION, withoutImage)).toThrow(
      `${target.file}: the ${target.strategy} strategy needs the image name to look for`,
    );
    expect(() =>
      writeVersion(
        KUSTOMIZATION,
        { ...withoutImage, key: 'image.tag' },
        '1.0.0',
      ),
    ).toThrow(InputError);
  });

  it('rejects an unknown strategy', () => {
    const target = { ...raw, strategy: 'sed' } as unknown as EditTarget;
    expect(() => readVersion(MANIFEST, target)).toThrow(
      'dev/worker/workloads.yaml: unknown write strategy "sed"',
    );
    const inherited = { ...raw, strategy: 'toString' } as unknown as EditTarget;
    expect(() => writeVersion(MANIFEST, inherited, '1.0.0')).toThrow(
      'unknown write strategy',
    );
  });
});

describe('reading where there is nothing to read', () => {
  it('returns undefined where a write would add the version', () => {
    expect(readVersion('resources: [a.yaml]\n', kustomize)).toBeUndefined();
    expect(readVersion('image:\n  tag:\n', helm)).toBeUndefined();
    expect(readVersion(MANIFEST.replace(':1.1.0', ''), raw)).toBeUndefined();
  });

  it('throws where a write would throw', () => {
    expect(() => readVersion('image: {}\n', helm)).toThrow(
      'charts/notifier/values-dev.yaml has no key image.tag',
    );
    expect(() => readVersion('kind: Service\n', raw)).toThrow(
      'dev/worker/workloads.yaml has no container with image registry.shop.example/shop/worker',
    );
    expect(() => writeVersion('image: {}\n', helm, '1.0.0')).toThrow(
      'has no key image.tag',
    );
    expect(() => writeVersion('kind: Service\n', raw, '1.0.0')).toThrow(
      'has no container with image',
    );
  });

  it('reads the digest kustomize would use when an entry has both', () => {
    const both = `images:\n  - name: registry.shop.example/shop/cart\n    newTag: "1.0"\n    digest: ${DIGEST}\n`;
    expect(readVersion(both, kustomize)).toBe(DIGEST);
    const result = writeVersion(both, kustomize, '1.1');
    expect(result.previous).toBe(DIGEST);
    expect(result.content).toBe(
      'images:\n  - name: registry.shop.example/shop/cart\n    newTag: "1.1"\n',
    );
  });
});

describe('the example manifest repository', () => {
  it('edits a kustomize overlay by one value', () => {
    const target = { ...kustomize };
    const before = readExample(target.file);
    const current = readVersion(before, target)!;
    const result = writeVersion(before, target, '1.13.0');
    expect(result).toMatchObject({ previous: current, changed: true });
    expectOnlyValueChanged(before, result.content, [
      {
        line: lineOf(before, 'newTag:'),
        from: `"${current}"`,
        to: '"1.13.0"',
      },
    ]);
  });

  it('edits Helm values by one value', () => {
    const target = { ...helm };
    const before = readExample(target.file);
    const current = readVersion(before, target)!;
    const result = writeVersion(before, target, '0.10.0');
    expect(result).toMatchObject({ previous: current, changed: true });
    expectOnlyValueChanged(before, result.content, [
      { line: lineOf(before, '  tag:'), from: `"${current}"`, to: '"0.10.0"' },
    ]);
  });

  it('edits the worker manifests by their image values', () => {
    for (const name of listExamples('dev/worker')) {
      const target = { ...raw, file: `dev/worker/${name}` };
      const before = readExample(target.file);
      const current = readVersion(before, target)!;
      const result = writeVersion(before, target, '1.2.0');
      expect(result).toMatchObject({ previous: current, changed: true });
      const lines = before
        .split('\n')
        .map((text, index) =>
          text.includes(`image: ${raw.image}`) ? index + 1 : 0,
        )
        .filter(line => line > 0);
      expectOnlyValueChanged(
        before,
        result.content,
        lines.map(line => ({ line, from: `:${current}`, to: ':1.2.0' })),
      );
    }
  });
});
