import { parseDeployTag } from './deployTags';

const services = (product: string) =>
  product === 'shop' ? ['cart', 'orders', 'search-indexer', 'payments'] : [];

describe('parseDeployTag', () => {
  it('parses a release of every service of a product', () => {
    expect(
      parseDeployTag('shop/production/2026/11/23/1430-spring-sale', services),
    ).toEqual({
      product: 'shop',
      environment: 'production',
      at: '2026-11-23T14:30:00.000Z',
      name: 'spring-sale',
    });
  });

  it('tells the service list from the release name by the known services', () => {
    expect(
      parseDeployTag(
        'shop/staging/2026/01/02/0905-hotfix-cart,orders',
        services,
      ),
    ).toMatchObject({
      name: 'hotfix',
      services: ['cart', 'orders'],
    });
    expect(
      parseDeployTag(
        'shop/dev/2026/01/02/0905-big-fix-search-indexer',
        services,
      ),
    ).toMatchObject({
      name: 'big-fix',
      services: ['search-indexer'],
    });
    expect(
      parseDeployTag('shop/dev/2026/01/02/0905-new-cart-flow', services),
    ).toMatchObject({
      name: 'new-cart-flow',
    });
  });

  it.each([
    ['shop/production/2026/11/23', "it has 5 '/'-separated parts, not 6"],
    ['Shop/production/2026/11/23/1430-x', "product 'Shop' is not a valid name"],
    ['shop/production/26/11/23/1430-x', "date '26/11/23' is not YYYY/MM/DD"],
    ['shop/production/2026/02/30/1430-x', 'is not a real date and time'],
    ['shop/production/2026/11/23/2460-x', 'is not a real date and time'],
    ['shop/production/2026/11/23/x-1430', 'does not start with HHmm-'],
    [
      'shop/production/2026/11/23/1430-fix-cart,unknown',
      'lists services that shop does not have',
    ],
    [
      'shop/production/2026/11/23/1430-Fix',
      "release name 'Fix' is not a valid name",
    ],
  ])('explains what is wrong with %s', (tag, message) => {
    expect(() => parseDeployTag(tag, services)).toThrow(message);
  });
});
