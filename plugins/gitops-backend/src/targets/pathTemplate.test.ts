import { renderImage, renderManifestPath } from './pathTemplate';

describe('renderManifestPath', () => {
  it.each([
    ['{env}/{service}', 'dev/cart'],
    ['{service}/overlays/{env}', 'cart/overlays/dev'],
    ['charts/{service}/values-{env}.yaml', 'charts/cart/values-dev.yaml'],
    ['deploy/{env}/', 'deploy/dev'],
    ['./k8s/{env}', 'k8s/dev'],
  ])('renders %s as %s', (template, expected) => {
    expect(renderManifestPath(template, { env: 'dev', service: 'cart' })).toBe(
      expected,
    );
  });

  it.each([
    ['/etc/{service}', 'must be relative'],
    ['../{service}', 'escapes the repository'],
    ['{env}/../../{service}', 'escapes the repository'],
    ['{env}/..', 'escapes the repository'],
    ['a\\..\\{service}', 'must be relative'],
    ['{team}/{service}', 'unknown placeholder {team}'],
  ])('rejects %s', (template, message) => {
    expect(() =>
      renderManifestPath(template, { env: 'dev', service: 'cart' }),
    ).toThrow(message);
  });

  it('rejects a service name that would climb out of the repository', () => {
    expect(() =>
      renderManifestPath('{service}/overlays', { env: 'dev', service: '..' }),
    ).toThrow('escapes the repository');
  });
});

describe('renderImage', () => {
  it.each([
    ['registry.acme.example/shop/orders', 'registry.acme.example/shop/orders'],
    [
      'registry.acme.example/shop/orders-{env}',
      'registry.acme.example/shop/orders-prod',
    ],
    ['localhost:5000/{env}/{service}', 'localhost:5000/prod/orders'],
  ])('renders %s as %s', (template, expected) => {
    expect(renderImage(template, { env: 'prod', service: 'orders' })).toBe(
      expected,
    );
  });

  it('rejects an unknown placeholder', () => {
    expect(() =>
      renderImage('acme/{team}', { env: 'prod', service: 'orders' }),
    ).toThrow("Image template 'acme/{team}' has unknown placeholder {team}");
  });
});
