import {
  checkImageRepository,
  checkPinnedImage,
  fillTemplate,
  parseQuantity,
  renderPathTemplate,
} from './validate';

describe('checkImageRepository', () => {
  it.each([
    'cart',
    'shop/cart',
    'registry.shop.example/shop/cart',
    'localhost:5000/shop/cart',
    'registry.example:443/a/b_c/d-e',
  ])('accepts %s', image => {
    expect(checkImageRepository(image, 'image')).toBe(image);
  });

  it.each([
    ['cart:1.2', /has a tag/],
    ['localhost:5000/cart:1.2', /has a tag/],
    [`cart@sha256:${'0'.repeat(64)}`, /has a digest/],
    ['Shop/cart', /"Shop"/],
    ['shop//cart', /""/],
    ['bad_host_/cart', /"bad_host_"/],
  ])('refuses %s', (image, message) => {
    expect(() => checkImageRepository(image, 'image')).toThrow(message);
  });
});

describe('checkPinnedImage', () => {
  it('wants a tag or digest', () => {
    expect(checkPinnedImage('gcr.io/x/proxy:2.1', 'p')).toBe(
      'gcr.io/x/proxy:2.1',
    );
    expect(() => checkPinnedImage('localhost:5000/proxy', 'p')).toThrow(
      /^p: .*no tag or digest/,
    );
    expect(() => checkPinnedImage('x/proxy@sha256:abc', 'p')).toThrow(
      /invalid digest/,
    );
  });
});

describe('parseQuantity', () => {
  it.each([
    ['100m', 0.1],
    ['0.5', 0.5],
    ['1', 1],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['2k', 2000],
    ['1e3', 1000],
  ])('reads %s', (text, value) => {
    expect(parseQuantity(text, 'q')).toBeCloseTo(value);
  });

  it.each(['128 MB', '1.5.0', 'Mi', '-1'])('refuses %s', text => {
    expect(() => parseQuantity(text, 'q')).toThrow(/^q: /);
  });
});

describe('templates', () => {
  it('fills {service} and {env} and normalises paths', () => {
    expect(
      renderPathTemplate(
        './{service}//overlays/{env}/',
        { service: 'cart', env: 'dev' },
        'p',
      ),
    ).toBe('cart/overlays/dev');
    expect(renderPathTemplate('.', { service: 'cart' }, 'p')).toBe('');
    expect(
      fillTemplate('{service}-{env}', { service: 'a', env: 'b' }, 'n'),
    ).toBe('a-b');
  });

  it.each([
    ['../{service}', /must not contain "\.\."/],
    ['{service}/../../x', /must not contain "\.\."/],
    ['/abs/{service}', /relative path/],
    ['C:/x', /relative path/],
    ['a\\b', /relative path/],
    ['{service}/{env}', /placeholder \{env\}; use \{service\}$/],
    ['{SERVICE}', /placeholder \{SERVICE\}/],
  ])('refuses %s', (template, message) => {
    expect(() =>
      renderPathTemplate(template, { service: 'cart' }, 'basePath'),
    ).toThrow(message);
  });
});
