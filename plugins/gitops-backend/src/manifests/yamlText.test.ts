import { parse, parseDocument, Scalar } from 'yaml';
import {
  applySplices,
  isPlainSafe,
  lineEnd,
  parseAll,
  parseOne,
  scalarSplice,
} from './yamlText';

describe('isPlainSafe', () => {
  it.each(['1.2.3', 'v1.10', 'latest', 'sha256:abc', 'a#b', 'a-b_c.d', '-x'])(
    '%s can stay plain',
    value => {
      expect(isPlainSafe(value)).toBe(true);
      expect(parse(`k: ${value}`).k).toBe(value);
    },
  );

  it.each([
    ['1.10', 'a float'],
    ['10', 'an integer'],
    ['0777', 'an octal in YAML 1.1'],
    ['1:20', 'a base 60 number in YAML 1.1'],
    ['yes', 'a boolean in YAML 1.1'],
    ['On', 'a boolean in YAML 1.1'],
    ['true', 'a boolean'],
    ['null', 'null'],
    ['~', 'null'],
    ['', 'null'],
    ['.inf', 'infinity'],
    ['a: b', 'a map'],
    ['a #b', 'a comment'],
    ['[a]', 'a list'],
    ['a,b', 'two items in a flow list'],
    ['*x', 'an alias'],
    ['&x', 'an anchor'],
    ['!x', 'a tag'],
    ['@x', 'reserved'],
    ['%x', 'a directive'],
    ["'x'", 'quoted'],
    [' x', 'trimmed'],
    ['x\ny', 'folded'],
  ])('%j needs quotes: it is %s', value => {
    expect(isPlainSafe(value)).toBe(false);
  });
});

describe('scalarSplice', () => {
  function spliced(source: string, value: string) {
    const doc = parseDocument(source);
    const node = doc.get('k', true) as Scalar;
    const splice = scalarSplice(node, value, () => 'k');
    return splice ? applySplices(source, [splice]) : source;
  }

  it.each([
    ['k: a # c\n', 'b', 'k: b # c\n'],
    ['k: a\n', '1.0', 'k: "1.0"\n'],
    ['k: "a"\n', 'say "hi"\\', 'k: "say \\"hi\\"\\\\"\n'],
    ["k: 'a'\n", "it's", "k: 'it''s'\n"],
    ["k: 'a'\n", 'two\nlines', 'k: "two\\nlines"\n'],
    ['k:\n', 'b', 'k: b\n'],
    ['k: &anchor a\n', 'b', 'k: &anchor b\n'],
    ['k: !!str a\n', '1.0', 'k: !!str "1.0"\n'],
    ['{k: a, j: b}\n', 'c,d', '{k: "c,d", j: b}\n'],
  ])('splices into %j', (source, value, expected) => {
    const result = spliced(source, value);
    expect(result).toBe(expected);
    expect(parse(result).k).toBe(value);
  });

  it('leaves a scalar that already holds the string alone', () => {
    expect(
      scalarSplice(
        parseDocument('k: a').get('k', true) as Scalar,
        'a',
        () => 'k',
      ),
    ).toBeUndefined();
  });

  it('refuses block scalars', () => {
    const node = parseDocument('k: |\n  a\n').get('k', true) as Scalar;
    expect(() => scalarSplice(node, 'b', () => 'f.yaml: k')).toThrow(
      'f.yaml: k is a block scalar',
    );
  });
});

describe('parsing', () => {
  it('reports the first error with its position, naming the file', () => {
    expect(() => parseOne('a: [1\n', 'x.yaml')).toThrow(
      /^x\.yaml: YAML does not parse: .* at line 2, column 1$/,
    );
    expect(() => parseAll('a: 1\n---\nb: "2\n', 'x.yaml')).toThrow(
      /^x\.yaml: YAML does not parse: /,
    );
  });

  it('reports duplicate keys', () => {
    expect(() => parseOne('a: 1\na: 2\n', 'x.yaml')).toThrow(
      'x.yaml: YAML does not parse: Map keys must be unique',
    );
  });
});

it('finds line ends for both newline styles', () => {
  expect(lineEnd('ab\r\ncd', 0)).toBe(2);
  expect(lineEnd('ab\ncd', 1)).toBe(2);
  expect(lineEnd('ab\ncd', 3)).toBe(5);
});
