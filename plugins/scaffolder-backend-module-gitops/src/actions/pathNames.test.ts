import { Environment } from '@shipdeck/plugin-gitops-common';
import { applicationsInput } from './argocdApplicationCreate.schema';
import { resolveApplications } from './applicationsSpec';
import { manifestsInput } from './gitopsManifestsCreate.schema';
import { ManifestsInput, resolveServiceSpec } from './manifestsSpec';
import { parseInput } from './parseInput';
import { ApplicationsInput } from './applicationsSpec';

const environment = (
  name: string,
  order: number,
  pathName?: string,
): Environment => ({
  name,
  title: name,
  order,
  pullRequest: name === 'production',
  protected: name === 'production',
  argocdInstance: 'local',
  verifyImages: false,
  ...(pathName ? { pathName } : {}),
});
const configured = [
  environment('dev', 0),
  environment('production', 1, 'prod'),
];

describe('environments whose paths spell them differently (pathName)', () => {
  it('puts overlays where the backend looks, and keeps names', () => {
    const spec = resolveServiceSpec(
      parseInput(manifestsInput, {
        name: 'quotes',
        image: 'registry.shop.example/shop/quotes',
        environments: ['dev', 'production'],
      }) as ManifestsInput,
      configured,
    );
    expect(spec.environments.map(e => [e.name, e.path, e.namespace])).toEqual([
      ['dev', 'quotes/overlays/dev', 'quotes-dev'],
      ['production', 'quotes/overlays/prod', 'quotes-production'],
    ]);
  });

  it('writes Applications into the spelled folder, named by the environment', () => {
    const apps = resolveApplications(
      parseInput(applicationsInput, {
        name: 'quotes',
        environments: ['production'],
        repoURL: 'local:demo',
      }) as ApplicationsInput,
      configured,
    );
    expect(apps.map(a => [a.name, a.file, a.source.path])).toEqual([
      ['quotes-production', 'argocd/prod/quotes.yaml', 'quotes/overlays/prod'],
    ]);
  });
});
