import { InputError } from '@backstage/errors';
import {
  imageName,
  isDigest,
  parseImageRef,
  sameImage,
  validateVersion,
  versionOf,
  withVersion,
} from './imageRef';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('parseImageRef', () => {
  it.each([
    ['nginx', { repository: 'nginx' }],
    ['nginx:1.27', { repository: 'nginx', tag: '1.27' }],
    ['library/nginx', { repository: 'library/nginx' }],
    [
      'docker.io/library/nginx:latest',
      { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' },
    ],
    [
      'ghcr.io/acme/cart:1.2',
      { registry: 'ghcr.io', repository: 'acme/cart', tag: '1.2' },
    ],
    [
      `ghcr.io/acme/cart@${DIGEST}`,
      { registry: 'ghcr.io', repository: 'acme/cart', digest: DIGEST },
    ],
    [
      `ghcr.io/acme/cart:1.2@${DIGEST}`,
      {
        registry: 'ghcr.io',
        repository: 'acme/cart',
        tag: '1.2',
        digest: DIGEST,
      },
    ],
    ['localhost:5000/cart', { registry: 'localhost:5000', repository: 'cart' }],
    [
      'localhost:5000/team/cart:2',
      { registry: 'localhost:5000', repository: 'team/cart', tag: '2' },
    ],
    ['localhost/cart', { registry: 'localhost', repository: 'cart' }],
    // A first component without "." or ":" is a Docker Hub namespace.
    ['acme/cart:1.2', { repository: 'acme/cart', tag: '1.2' }],
    [
      'registry.shop.example/shop/worker:1.0.5',
      {
        registry: 'registry.shop.example',
        repository: 'shop/worker',
        tag: '1.0.5',
      },
    ],
  ])('parses %s', (ref, expected) => {
    expect(parseImageRef(ref)).toEqual(expected);
  });

  it('rejects a reference without a name', () => {
    expect(() => parseImageRef(':1.2')).toThrow(InputError);
    expect(() => parseImageRef('')).toThrow('has no name');
  });
});

describe('sameImage', () => {
  it.each([
    ['ghcr.io/acme/cart:1.2', 'acme/cart'],
    ['ghcr.io/acme/cart:1.2', `ghcr.io/acme/cart@${DIGEST}`],
    ['ghcr.io/acme/cart', 'ghcr.io/acme/cart:9'],
    ['GHCR.io/acme/cart', 'ghcr.io/acme/cart'],
    ['nginx', 'library/nginx'],
    ['nginx', 'docker.io/library/nginx'],
    ['library/nginx:1', 'docker.io/nginx'],
    ['index.docker.io/library/nginx', 'docker.io/nginx:latest'],
    ['localhost:5000/cart:1', 'cart'],
  ])('%s is the same image as %s', (a, b) => {
    expect(sameImage(a, b)).toBe(true);
    expect(sameImage(b, a)).toBe(true);
  });

  it.each([
    ['ghcr.io/acme/cart', 'ghcr.io/acme/cart-worker'],
    ['acme/cart', 'acme/cart-worker:1'],
    ['ghcr.io/acme/cart', 'quay.io/acme/cart'],
    ['ghcr.io/acme/cart', 'ghcr.io/other/cart'],
    ['docker.io/nginx', 'ghcr.io/nginx'],
    ['acme/cart', 'cart'],
    ['localhost:5000/cart', 'localhost:5001/cart'],
    ['nginx', ''],
  ])('%s is not the same image as %s', (a, b) => {
    expect(sameImage(a, b)).toBe(false);
    expect(sameImage(b, a)).toBe(false);
  });
});

describe('versions', () => {
  it('recognises digests', () => {
    expect(isDigest(DIGEST)).toBe(true);
    expect(isDigest('sha256:abc')).toBe(false);
    expect(isDigest(DIGEST.toUpperCase())).toBe(false);
    expect(isDigest(`${DIGEST}0`)).toBe(false);
    expect(isDigest('1.2.3')).toBe(false);
  });

  it.each([
    '1.2.3',
    'v1.2.3-rc.1',
    'latest',
    '_build',
    'a'.repeat(128),
    DIGEST,
  ])('accepts %s', version => {
    expect(() => validateVersion(version)).not.toThrow();
  });

  it.each([
    ['', 'not a valid image tag'],
    ['.hidden', 'not a valid image tag'],
    ['-x', 'not a valid image tag'],
    ['1.2 3', 'not a valid image tag'],
    ['a'.repeat(129), 'not a valid image tag'],
    ['feature/x', 'not a valid image tag'],
    ['sha256:abc', 'not a valid image digest'],
    [`@${DIGEST}`, 'not a valid image digest'],
    ['1.2:3', 'not a valid image digest'],
    [`sha512:${'a'.repeat(128)}`, 'not a valid image digest'],
  ])('rejects %j', (version, message) => {
    expect(() => validateVersion(version)).toThrow(InputError);
    expect(() => validateVersion(version)).toThrow(message);
  });

  it('names the file when given one', () => {
    expect(() =>
      validateVersion('no good', 'dev/worker/deployment.yaml'),
    ).toThrow('dev/worker/deployment.yaml: "no good" is not a valid image tag');
  });

  it('puts a version on an image name', () => {
    expect(withVersion('acme/cart', '1.2')).toBe('acme/cart:1.2');
    expect(withVersion('acme/cart', DIGEST)).toBe(`acme/cart@${DIGEST}`);
    expect(withVersion('localhost:5000/cart:1.0', '1.1')).toBe(
      'localhost:5000/cart:1.1',
    );
    expect(withVersion(`acme/cart:1.0@${DIGEST}`, '2')).toBe('acme/cart:2');
    expect(() => withVersion('acme/cart', 'bad tag')).toThrow(InputError);
  });

  it('splits name and version as written', () => {
    expect(imageName('localhost:5000/cart')).toBe('localhost:5000/cart');
    expect(imageName('registry.shop.example/shop/worker:1.0.5')).toBe(
      'registry.shop.example/shop/worker',
    );
    expect(versionOf('acme/cart:1.0')).toBe('1.0');
    expect(versionOf(`acme/cart:1.0@${DIGEST}`)).toBe(DIGEST);
    expect(versionOf('acme/cart')).toBeUndefined();
  });
});
