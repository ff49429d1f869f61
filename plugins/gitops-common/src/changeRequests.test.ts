import { changeRequestTerms } from './changeRequests';

describe('changeRequestTerms', () => {
  it('calls GitLab’s change requests merge requests, others pull requests', () => {
    const gitlab = changeRequestTerms('gitlab');
    expect([
      gitlab.noun,
      gitlab.title,
      gitlab.short,
      gitlab.reference(3),
    ]).toEqual(['merge request', 'Merge request', 'MR', '!3']);
    for (const provider of ['github', 'local', undefined] as const) {
      const terms = changeRequestTerms(provider);
      expect([terms.noun, terms.short, terms.reference(3)]).toEqual([
        'pull request',
        'PR',
        '#3',
      ]);
    }
  });
});
