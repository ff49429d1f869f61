import { expectOnlyValueChanged } from './diff';

// The helper is what every edit test relies on, so it must fail loudly.
describe('expectOnlyValueChanged', () => {
  const before = 'a: 1\nb: "2" # two\nc: 3\n';

  it('accepts exactly the listed value changes', () => {
    expect(() =>
      expectOnlyValueChanged(before, 'a: 1\nb: "5" # two\nc: 3\n', [
        { line: 2, from: '"2"', to: '"5"' },
      ]),
    ).not.toThrow();
  });

  it.each([
    ['another line changed', 'a: 9\nb: "5" # two\nc: 3\n'],
    ['more than the value changed', 'a: 1\nb: "5"  # two\nc: 3\n'],
    ['the comment changed', 'a: 1\nb: "5" # 2\nc: 3\n'],
    ['a line was added', 'a: 1\nb: "5" # two\nd: 4\nc: 3\n'],
    ['nothing changed', before],
  ])('fails when %s', (_, after) => {
    expect(() =>
      expectOnlyValueChanged(before, after, [
        { line: 2, from: '"2"', to: '"5"' },
      ]),
    ).toThrow();
  });
});
