import { renderManifestPath } from './pathTemplate';

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
