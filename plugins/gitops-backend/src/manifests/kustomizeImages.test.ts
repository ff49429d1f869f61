import { InputError } from '@backstage/errors';
import { parse } from 'yaml';
import { readKustomizeImage, setKustomizeImage } from './kustomizeImages';
import { expectOnlyValueChanged, readExample } from './__testUtils__/diff';

const FILE = 'cart/overlays/dev/kustomization.yaml';
const DIGEST = `sha256:${'a1b2c3d4'.repeat(8)}`;
const OTHER_DIGEST = `sha256:${'9f8e7d6c'.repeat(8)}`;

const KUSTOMIZATION = `# cart in dev. Shipdeck deploys by changing newTag below.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop-dev
resources:
  - ../../base
labels:
  - pairs:
      shop.example/environment: dev
    includeSelectors: false
images:
  - name: registry.shop.example/shop/cart
    newTag: "1.11.4" # set by Shipdeck
  # The worker runs from the same repository but ships separately.
  - name: registry.shop.example/shop/cart-worker
    newTag: 1.11.2
  - name: redis
    newName: registry.shop.example/mirror/redis
    digest: ${DIGEST}
  - name: ghcr.io/acme/sidecar
    newName: ghcr.io/acme/sidecar-fips
patches:
  - target:
      kind: Deployment
      name: cart
    patch: |-
      - op: replace
        path: /spec/replicas
        value: 1
`;

function set(image: string, version: string, content = KUSTOMIZATION) {
  return setKustomizeImage(content, { file: FILE, image, version });
}

function entries(content: string) {
  return parse(content).images;
}

describe('readKustomizeImage', () => {
  it.each([
    ['registry.shop.example/shop/cart', { newTag: '1.11.4' }],
    ['shop/cart', { newTag: '1.11.4' }],
    ['registry.shop.example/shop/cart:0.1', { newTag: '1.11.4' }],
    ['registry.shop.example/shop/cart-worker', { newTag: '1.11.2' }],
    ['docker.io/library/redis', { digest: DIGEST }],
    ['ghcr.io/acme/sidecar', {}],
    ['registry.shop.example/shop/orders', undefined],
    ['quay.io/shop/cart', undefined],
  ])('reads %s', (image, expected) => {
    expect(readKustomizeImage(KUSTOMIZATION, { file: FILE, image })).toEqual(
      expected,
    );
  });

  it('reads a file without images', () => {
    expect(
      readKustomizeImage('resources:\n  - a.yaml\n', {
        file: FILE,
        image: 'x',
      }),
    ).toBeUndefined();
    expect(readKustomizeImage('', { file: FILE, image: 'x' })).toBeUndefined();
  });
});

describe('setKustomizeImage', () => {
  it('changes newTag, keeping its quotes and comment', () => {
    const result = set('registry.shop.example/shop/cart', '1.12.0');
    expect(result.previous).toBe('1.11.4');
    expectOnlyValueChanged(KUSTOMIZATION, result.content, [
      { line: 13, from: '"1.11.4"', to: '"1.12.0"' },
    ]);
    expect(result.content).toContain('newTag: "1.12.0" # set by Shipdeck\n');
  });

  it('does not touch a similarly named image', () => {
    const result = set('registry.shop.example/shop/cart-worker', '1.12.0');
    expect(result.previous).toBe('1.11.2');
    expectOnlyValueChanged(KUSTOMIZATION, result.content, [
      { line: 16, from: '1.11.2', to: '1.12.0' },
    ]);
  });

  it('quotes a plain tag that would otherwise read as a number', () => {
    const result = set('registry.shop.example/shop/cart-worker', '1.10');
    expectOnlyValueChanged(KUSTOMIZATION, result.content, [
      { line: 16, from: '1.11.2', to: '"1.10"' },
    ]);
    expect(entries(result.content)[1].newTag).toBe('1.10');
  });

  it('changes a digest', () => {
    const result = set('redis', OTHER_DIGEST);
    expect(result.previous).toBe(DIGEST);
    expectOnlyValueChanged(KUSTOMIZATION, result.content, [
      { line: 19, from: DIGEST, to: OTHER_DIGEST },
    ]);
  });

  it('turns a digest into a tag on the same line', () => {
    const result = set('redis', '7.4.1');
    expect(result.previous).toBe(DIGEST);
    expectOnlyValueChanged(KUSTOMIZATION, result.content, [
      { line: 19, from: `digest: ${DIGEST}`, to: 'newTag: 7.4.1' },
    ]);
    expect(entries(result.content)[2]).toEqual({
      name: 'redis',
      newName: 'registry.shop.example/mirror/redis',
      newTag: '7.4.1',
    });
  });

  it('turns a tag into a digest on the same line', () => {
    const result = set('registry.shop.example/shop/cart', DIGEST);
    expect(result.previous).toBe('1.11.4');
    expectOnlyValueChanged(KUSTOMIZATION, result.content, [
      { line: 13, from: 'newTag: "1.11.4"', to: `digest: "${DIGEST}"` },
    ]);
    expect(entries(result.content)[0]).toEqual({
      name: 'registry.shop.example/shop/cart',
      digest: DIGEST,
    });
  });

  it('drops the stale key when an entry has both a tag and a digest', () => {
    const both = [
      'images:',
      '  - name: acme/cart',
      `    digest: ${DIGEST} # old pin`,
      '    newTag: "1.0"',
      `  - digest: ${DIGEST}`,
      '    name: acme/worker',
      '    newTag: "1.0"',
      '',
    ].join('\n');

    const tag = set('acme/cart', '2.0', both);
    // kustomize used the digest, so that is what was deployed.
    expect(tag.previous).toBe(DIGEST);
    expect(tag.content).toBe(
      [
        'images:',
        '  - name: acme/cart',
        '    newTag: "2.0"',
        `  - digest: ${DIGEST}`,
        '    name: acme/worker',
        '    newTag: "1.0"',
        '',
      ].join('\n'),
    );

    const digest = set('acme/cart', OTHER_DIGEST, both);
    expect(digest.previous).toBe(DIGEST);
    expect(digest.content).toBe(
      both
        .replace(
          `    digest: ${DIGEST} # old pin`,
          `    digest: ${OTHER_DIGEST} # old pin`,
        )
        .replace('    newTag: "1.0"\n  - digest', '  - digest'),
    );

    // The stale key is the first of its item: the next key moves up after the dash.
    const worker = set('acme/worker', '2.0', both);
    expect(worker.content).toBe(
      [
        'images:',
        '  - name: acme/cart',
        `    digest: ${DIGEST} # old pin`,
        '    newTag: "1.0"',
        '  - name: acme/worker',
        '    newTag: "2.0"',
        '',
      ].join('\n'),
    );
  });

  it('adds newTag under the name of an entry that has no version', () => {
    const result = set('ghcr.io/acme/sidecar', '3.2.1');
    expect(result.previous).toBeUndefined();
    const lines = KUSTOMIZATION.split('\n');
    lines.splice(20, 0, '    newTag: "3.2.1"');
    expect(result.content).toBe(lines.join('\n'));
    expect(entries(result.content)[3]).toEqual({
      name: 'ghcr.io/acme/sidecar',
      newTag: '3.2.1',
      newName: 'ghcr.io/acme/sidecar-fips',
    });
  });

  it('adds a digest under the name of an entry that has no version', () => {
    const result = set('ghcr.io/acme/sidecar', DIGEST);
    const lines = KUSTOMIZATION.split('\n');
    lines.splice(20, 0, `    digest: ${DIGEST}`);
    expect(result.content).toBe(lines.join('\n'));
  });

  it('appends an entry in the style of the existing ones', () => {
    const result = set('registry.shop.example/shop/orders:9.9.9', '3.1.0');
    expect(result.previous).toBeUndefined();
    const lines = KUSTOMIZATION.split('\n');
    lines.splice(
      21,
      0,
      '  - name: registry.shop.example/shop/orders',
      '    newTag: "3.1.0"',
    );
    expect(result.content).toBe(lines.join('\n'));

    const wide = [
      'images:',
      '-   name: a',
      '    newTag: "1"',
      '# end',
      '',
    ].join('\n');
    expect(set('b', '2', wide).content).toBe(
      [
        'images:',
        '-   name: a',
        '    newTag: "1"',
        '-   name: b',
        '    newTag: "2"',
        '# end',
        '',
      ].join('\n'),
    );
  });

  it('appends after an entry whose last value is nested', () => {
    const nested = [
      'images:',
      '  - name: a',
      '    newTag: "1"',
      '    extra:',
      '      note: |',
      '        keep',
      'replicas: []',
    ].join('\n');
    const result = set('b', '2', nested);
    expect(result.content).toBe(
      [
        'images:',
        '  - name: a',
        '    newTag: "1"',
        '    extra:',
        '      note: |',
        '        keep',
        '  - name: b',
        '    newTag: "2"',
        'replicas: []',
      ].join('\n'),
    );
    expect(parse(result.content).images[0].extra.note).toBe('keep\n');
  });

  it('adds an images list at the end when there is none', () => {
    const content = 'resources:\n- ../../base\n# trailing comment';
    expect(set('acme/cart', '1.2', content).content).toBe(
      'resources:\n- ../../base\n# trailing comment\nimages:\n- name: acme/cart\n  newTag: "1.2"\n',
    );
    expect(set('acme/cart', DIGEST, 'namespace: x\n').content).toBe(
      `namespace: x\nimages:\n  - name: acme/cart\n    digest: ${DIGEST}\n`,
    );
    expect(set('acme/cart', '1.2', '').content).toBe(
      'images:\n  - name: acme/cart\n    newTag: "1.2"\n',
    );
    expect(set('acme/cart', '1.2', '# only a comment\n').content).toBe(
      '# only a comment\nimages:\n  - name: acme/cart\n    newTag: "1.2"\n',
    );
  });

  it('fills an images key that has no entries yet', () => {
    const content = 'images: # none yet\nresources:\n  - a.yaml\n';
    expect(set('acme/cart', '1.2', content).content).toBe(
      'images: # none yet\n  - name: acme/cart\n    newTag: "1.2"\nresources:\n  - a.yaml\n',
    );
  });

  it('edits values in flow style', () => {
    const flow = `images: [{name: acme/cart, newTag: "1.0"}, {name: acme/db, digest: ${DIGEST}}] # pinned\n`;
    const tag = set('acme/cart', '1.1', flow);
    expect(tag.previous).toBe('1.0');
    expectOnlyValueChanged(flow, tag.content, [
      { line: 1, from: '"1.0"', to: '"1.1"' },
    ]);
    const digest = set('acme/db', '15.2', flow);
    expectOnlyValueChanged(flow, digest.content, [
      { line: 1, from: `digest: ${DIGEST}`, to: 'newTag: "15.2"' },
    ]);
    expect(parse(digest.content).images[1]).toEqual({
      name: 'acme/db',
      newTag: '15.2',
    });
  });

  it('returns the same text when the version is already there', () => {
    expect(set('registry.shop.example/shop/cart', '1.11.4').content).toBe(
      KUSTOMIZATION,
    );
    expect(set('redis', DIGEST).content).toBe(KUSTOMIZATION);
  });

  it('keeps CRLF line endings when inserting', () => {
    const crlf = 'images:\r\n  - name: a\r\n    newTag: "1"\r\n';
    expect(set('b', '2', crlf).content).toBe(
      'images:\r\n  - name: a\r\n    newTag: "1"\r\n  - name: b\r\n    newTag: "2"\r\n',
    );
    expect(set('a', '2', crlf).content).toBe(crlf.replace('"1"', '"2"'));
  });

  it('prefers the exactly named entry', () => {
    const two = [
      'images:',
      '  - name: acme/cart',
      '    newTag: "1"',
      '  - name: ghcr.io/acme/cart',
      '    newTag: "2"',
      '',
    ].join('\n');
    expect(set('ghcr.io/acme/cart', '3', two).previous).toBe('2');
    expect(set('acme/cart', '3', two).previous).toBe('1');
    expect(() => set('cart.example/acme/cart', '3', two)).not.toThrow();
  });

  describe('errors', () => {
    it('refuses to guess between several matching entries', () => {
      const ambiguous = [
        'images:',
        '  - name: ghcr.io/acme/cart',
        '  - name: quay.io/acme/cart',
        '',
      ].join('\n');
      expect(() => set('acme/cart', '1', ambiguous)).toThrow(
        `${FILE}: images has several entries for acme/cart (ghcr.io/acme/cart, quay.io/acme/cart)`,
      );
    });

    it('names the file when the YAML does not parse', () => {
      expect(() => set('acme/cart', '1', 'images:\n  - name: [a\n')).toThrow(
        InputError,
      );
      expect(() => set('acme/cart', '1', 'images:\n\t- name: a\n')).toThrow(
        `${FILE}: YAML does not parse: `,
      );
    });

    it('rejects a malformed version', () => {
      expect(() => set('registry.shop.example/shop/cart', '1.2 beta')).toThrow(
        `${FILE}: "1.2 beta" is not a valid image tag`,
      );
      expect(() =>
        set('registry.shop.example/shop/cart', 'sha256:abc'),
      ).toThrow(`${FILE}: "sha256:abc" is not a valid image digest`);
    });

    it('will not add to flow style', () => {
      const flow = 'images: [{name: acme/cart, newTag: "1.0"}]\n';
      expect(() => set('acme/db', '1', flow)).toThrow(
        `${FILE}: images is in flow style ([...]); adding an entry for acme/db is not supported`,
      );
      expect(() => set('acme/db', '1', 'images: [{name: acme/db}]\n')).toThrow(
        `${FILE}: the images entry is in flow style ({...}); adding newTag to it is not supported`,
      );
      expect(() => set('acme/db', '1', '{resources: [a.yaml]}\n')).toThrow(
        `${FILE}: the kustomization is in flow style`,
      );
      expect(() =>
        set(
          'acme/db',
          '1',
          `images: [{name: acme/db, newTag: "0", digest: ${DIGEST}}]\n`,
        ),
      ).toThrow('removing its digest is not supported');
      expect(() => set('acme/db', '1', 'images: []\n')).toThrow(
        'images is in flow style',
      );
    });

    it('rejects files that are not a kustomization', () => {
      expect(() => set('acme/cart', '1', '- a\n- b\n')).toThrow(
        `${FILE}: a kustomization is a map, but this file holds a list`,
      );
      expect(() => set('acme/cart', '1', 'images: acme/cart\n')).toThrow(
        `${FILE}: images is a scalar, not a list`,
      );
      expect(() => set('acme/cart', '1', 'images: ~\n')).toThrow(
        `${FILE}: images is null, not a list`,
      );
      expect(() =>
        set(
          'acme/cart',
          '1',
          'images:\n  - name: acme/cart\n    newTag: [1]\n',
        ),
      ).toThrow(`${FILE}: images entry newTag is a list, not a single value`);
    });
  });
});

describe('the example overlays', () => {
  it.each([
    ['cart', 'dev'],
    ['cart', 'production'],
    ['orders', 'staging'],
    ['payments', 'production'],
    ['storefront', 'production'],
  ])('changes only newTag of %s/overlays/%s', (service, env) => {
    const file = `${service}/overlays/${env}/kustomization.yaml`;
    const image = `registry.shop.example/shop/${service}`;
    const before = readExample(file);
    const previous = readKustomizeImage(before, { file, image })?.newTag;
    expect(previous).toMatch(/^\d+\.\d+\.\d+$/);
    const result = setKustomizeImage(before, { file, image, version: '9.0.0' });
    expect(result.previous).toBe(previous);
    const line = before.split('\n').findIndex(l => l.includes('newTag:')) + 1;
    expectOnlyValueChanged(before, result.content, [
      { line, from: `"${previous}"`, to: '"9.0.0"' },
    ]);
  });
});
