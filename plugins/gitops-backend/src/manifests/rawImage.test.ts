import { InputError } from '@backstage/errors';
import { parseAllDocuments } from 'yaml';
import {
  readContainerImages,
  readContainerVersion,
  setContainerImages,
} from './rawImage';
import {
  expectOnlyValueChanged,
  lineOf,
  listExamples,
  readExample,
} from './__testUtils__/diff';

const FILE = 'production/worker/all.yaml';
const WORKER = 'registry.shop.example/shop/worker';
const DIGEST = `sha256:${'c0ffee00'.repeat(8)}`;

const MANIFESTS = `# worker in production: plain manifests, Shipdeck edits the image: lines.
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 3
  template:
    spec:
      initContainers:
        - name: migrate
          image: registry.shop.example/shop/worker:1.0.5 # same build, runs first
          args: ["migrate"]
      containers:
      - name: worker
        image: registry.shop.example/shop/worker:1.0.5
        env:
          - name: WORKER_IMAGE
            value: registry.shop.example/shop/worker:1.0.5
      - name: metrics
        image: registry.shop.example/shop/worker-metrics:1.0.5
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: worker-config
data:
  image: registry.shop.example/shop/worker:1.0.5
---
# Nightly cleanup uses the same image.
apiVersion: batch/v1
kind: CronJob
metadata:
  name: worker-cleanup
spec:
  schedule: "17 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: cleanup
              image: "registry.shop.example/shop/worker:1.0.5"
              args: ["cleanup"]
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: worker-api
spec:
  template:
    spec:
      containers:
        - {name: api, image: 'registry.shop.example/shop/worker:1.0.5', ports: [{containerPort: 8080}]}
        - name: proxy
          image: envoyproxy/envoy:v1.31.0
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: shell
      image: acme/w
`;

function set(image: string, version: string, content = MANIFESTS) {
  return setContainerImages(content, { file: FILE, image, version });
}

/** Line numbers of the matching image: lines, in file order. */
const WORKER_LINES = [13, 17, 44, 55];

describe('readContainerImages', () => {
  it('finds every container of the image in every workload', () => {
    expect(
      readContainerImages(MANIFESTS, { file: FILE, image: WORKER }),
    ).toEqual([
      'registry.shop.example/shop/worker:1.0.5',
      'registry.shop.example/shop/worker:1.0.5',
      'registry.shop.example/shop/worker:1.0.5',
      'registry.shop.example/shop/worker:1.0.5',
    ]);
    expect(
      readContainerImages(MANIFESTS, {
        file: FILE,
        image: 'shop/worker-metrics',
      }),
    ).toEqual(['registry.shop.example/shop/worker-metrics:1.0.5']);
    expect(
      readContainerImages(MANIFESTS, {
        file: FILE,
        image: 'docker.io/envoyproxy/envoy',
      }),
    ).toEqual(['envoyproxy/envoy:v1.31.0']);
    expect(
      readContainerImages(MANIFESTS, { file: FILE, image: 'acme/nope' }),
    ).toEqual([]);
  });

  it('reads the version of the first container', () => {
    expect(readContainerVersion(MANIFESTS, { file: FILE, image: WORKER })).toBe(
      '1.0.5',
    );
    expect(
      readContainerVersion(MANIFESTS, { file: FILE, image: 'acme/w' }),
    ).toBeUndefined();
    expect(() =>
      readContainerVersion(MANIFESTS, { file: FILE, image: 'acme/nope' }),
    ).toThrow(`${FILE} has no container with image acme/nope`);
  });

  it('reads an empty file as having no containers', () => {
    expect(readContainerImages('', { file: FILE, image: WORKER })).toEqual([]);
    expect(
      readContainerImages('---\n# nothing\n', { file: FILE, image: WORKER }),
    ).toEqual([]);
  });
});

describe('setContainerImages', () => {
  it('changes the tag of every matching container and nothing else', () => {
    const result = set(WORKER, '1.1.0');
    expect(result.previous).toBe('1.0.5');
    expectOnlyValueChanged(
      MANIFESTS,
      result.content,
      WORKER_LINES.map(line => ({
        line,
        from: 'worker:1.0.5',
        to: 'worker:1.1.0',
      })),
    );
    // The quoting of each scalar stays as it was.
    expect(result.content).toContain(
      'image: "registry.shop.example/shop/worker:1.1.0"\n',
    );
    expect(result.content).toContain(
      "image: 'registry.shop.example/shop/worker:1.1.0', ports",
    );
    expect(result.content).toContain('worker:1.1.0 # same build, runs first\n');
    // Env values and ConfigMaps that mention the image are not containers.
    expect(result.content).toContain(
      '            value: registry.shop.example/shop/worker:1.0.5\n',
    );
    expect(result.content).toContain(
      '  image: registry.shop.example/shop/worker:1.0.5\n---',
    );
    expect(parseAllDocuments(result.content).map(doc => doc.errors)).toEqual(
      Array(5).fill([]),
    );
  });

  it('matches the image with or without the registry host', () => {
    const result = set('shop/worker', '1.1.0');
    expect(
      readContainerImages(result.content, { file: FILE, image: WORKER }),
    ).toEqual(Array(4).fill('registry.shop.example/shop/worker:1.1.0'));
  });

  it('replaces a tag with a digest', () => {
    const result = set(WORKER, DIGEST);
    expect(result.previous).toBe('1.0.5');
    expectOnlyValueChanged(
      MANIFESTS,
      result.content,
      WORKER_LINES.map(line => ({
        line,
        from: 'worker:1.0.5',
        to: `worker@${DIGEST}`,
      })),
    );
    const back = set(WORKER, '1.0.6', result.content);
    expect(back.previous).toBe(DIGEST);
    expect(
      readContainerImages(back.content, { file: FILE, image: WORKER }),
    ).toEqual(Array(4).fill('registry.shop.example/shop/worker:1.0.6'));
  });

  it('replaces both parts of a tag@digest reference', () => {
    const content = `kind: Pod\nspec:\n  containers:\n    - image: acme/w:1.0@${DIGEST}\n`;
    const result = set('acme/w', '2.0', content);
    expect(result.previous).toBe(DIGEST);
    expect(result.content).toBe(
      'kind: Pod\nspec:\n  containers:\n    - image: acme/w:2.0\n',
    );
  });

  it('adds a tag to an untagged image', () => {
    const result = set('acme/w', '1.1.0');
    expect(result.previous).toBeUndefined();
    expectOnlyValueChanged(MANIFESTS, result.content, [
      {
        line: lineOf(MANIFESTS, 'image: acme/w'),
        from: 'acme/w',
        to: 'acme/w:1.1.0',
      },
    ]);
  });

  it('keeps a registry port as part of the name', () => {
    const content = [
      'kind: Job',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - image: localhost:5000/acme/w # local registry',
      '        - image: localhost:5000/acme/w:0.1',
      '',
    ].join('\n');
    const result = set('acme/w', '0.2', content);
    expect(result.previous).toBeUndefined();
    expectOnlyValueChanged(content, result.content, [
      { line: 6, from: 'acme/w #', to: 'acme/w:0.2 #' },
      { line: 7, from: ':0.1', to: ':0.2' },
    ]);
  });

  it.each([
    ['StatefulSet', 'spec.template.spec'],
    ['DaemonSet', 'spec.template.spec'],
    ['ReplicaSet', 'spec.template.spec'],
    ['Job', 'spec.template.spec'],
  ])('edits a %s at %s', kind => {
    const content = `apiVersion: apps/v1\nkind: ${kind}\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: acme/w:1\n`;
    const result = set('acme/w', '2', content);
    expect(result.previous).toBe('1');
    expectOnlyValueChanged(content, result.content, [
      { line: 8, from: 'acme/w:1', to: 'acme/w:2' },
    ]);
  });

  it('ignores containers of kinds that are not workloads', () => {
    const content =
      'kind: PodTemplate\ntemplate:\n  spec:\n    containers:\n      - image: acme/w:1\n';
    expect(() => set('acme/w', '2', content)).toThrow('has no container');
  });

  it('returns the same text when every container already runs the version', () => {
    expect(set(WORKER, '1.0.5').content).toBe(MANIFESTS);
    expect(
      set('acme/w', '1.0', MANIFESTS.replace('acme/w\n', 'acme/w:1.0\n'))
        .content,
    ).toBe(MANIFESTS.replace('acme/w\n', 'acme/w:1.0\n'));
  });

  it('keeps CRLF line endings', () => {
    const crlf = MANIFESTS.replace(/\n/g, '\r\n');
    const result = set(WORKER, '1.1.0', crlf);
    expect(result.content).toBe(
      set(WORKER, '1.1.0').content.replace(/\n/g, '\r\n'),
    );
  });

  describe('errors', () => {
    it('names the file and the image when no container runs it', () => {
      expect(() => set('registry.shop.example/shop/orders', '1.0')).toThrow(
        InputError,
      );
      expect(() => set('registry.shop.example/shop/orders', '1.0')).toThrow(
        `${FILE} has no container with image registry.shop.example/shop/orders`,
      );
      // Only a similar name, and only outside containers.
      expect(() => set('registry.shop.example/shop/work', '1.0')).toThrow(
        'has no container',
      );
      expect(() => set(WORKER, '1.0', '')).toThrow(
        `${FILE} has no container with image ${WORKER}`,
      );
    });

    it('names the file when a document does not parse', () => {
      const broken = `${MANIFESTS}---\nkind: Pod\nspec: {containers: [\n`;
      expect(() => set(WORKER, '1.1.0', broken)).toThrow(
        `${FILE}: YAML does not parse: `,
      );
    });

    it('rejects a malformed version', () => {
      expect(() => set(WORKER, 'v1 final')).toThrow(
        `${FILE}: "v1 final" is not a valid image tag`,
      );
      expect(() => set(WORKER, 'sha256:123')).toThrow(
        `${FILE}: "sha256:123" is not a valid image digest`,
      );
    });
  });
});

describe('the example worker manifests', () => {
  // The worker's manifests are whatever YAML files its directory holds (one
  // multi-document file or one file per workload).
  it.each(['dev', 'staging', 'production'])(
    'changes only the image lines of %s/worker',
    env => {
      const files = listExamples(`${env}/worker`).filter(name =>
        name.endsWith('.yaml'),
      );
      let containers = 0;
      for (const name of files) {
        const file = `${env}/worker/${name}`;
        const before = readExample(file);
        const images = readContainerImages(before, { file, image: WORKER });
        const previous = images[0].slice(WORKER.length + 1);
        const result = setContainerImages(before, {
          file,
          image: WORKER,
          version: '9.9.9',
        });
        expect(result.previous).toBe(previous);
        const imageLines = before
          .split('\n')
          .map((line, index) =>
            line.includes(`image: ${WORKER}:`) ? index + 1 : 0,
          )
          .filter(line => line > 0);
        expect(imageLines).toHaveLength(images.length);
        expectOnlyValueChanged(
          before,
          result.content,
          imageLines.map(line => ({
            line,
            from: `${WORKER}:${previous}`,
            to: `${WORKER}:9.9.9`,
          })),
        );
        containers += images.length;
      }
      // The Deployment and the CronJob.
      expect(containers).toBeGreaterThanOrEqual(2);
    },
  );

  it('changes only the image line of the payments Rollout', () => {
    const file = 'payments/base/rollout.yaml';
    const before = readExample(file);
    const image = 'registry.shop.example/shop/payments';
    const result = setContainerImages(before, {
      file,
      image,
      version: '4.9.8',
    });
    expect(result.previous).toBe('latest');
    expectOnlyValueChanged(before, result.content, [
      {
        line: lineOf(before, `image: ${image}`),
        from: ':latest',
        to: ':4.9.8',
      },
    ]);
  });
});
