/**
 * A parser for the part of the GraphQL query language that clients of
 * GitHub's Git object lookups use: one query operation with variable
 * definitions, aliased fields with arguments, inline fragments and
 * `__typename`. Named fragments, directives and mutations are refused
 * with a parse error rather than half-understood.
 */

/** Where in the query text something is, 1-based, as GraphQL errors report it. */
export interface Location {
  line: number;
  column: number;
}

export type Value =
  | { kind: 'variable'; name: string }
  | { kind: 'literal'; value: string | number | boolean | null };

export interface FieldNode {
  kind: 'field';
  alias?: string;
  name: string;
  args: Array<{ name: string; value: Value; loc: Location }>;
  selections?: SelectionNode[];
  loc: Location;
}

export interface InlineFragmentNode {
  kind: 'fragment';
  typeCondition: string;
  selections: SelectionNode[];
  loc: Location;
}

export type SelectionNode = FieldNode | InlineFragmentNode;

export interface VariableDefinition {
  name: string;
  /** As written, e.g. `String!` or `[ID!]`. */
  type: string;
  defaultValue?: Value;
  loc: Location;
}

export interface OperationNode {
  name?: string;
  variables: VariableDefinition[];
  selections: SelectionNode[];
  loc: Location;
}

/** A query GitHub would answer with a parse error. */
export class GraphqlSyntaxError extends Error {
  constructor(message: string, readonly loc: Location) {
    super(message);
  }
}

interface Token {
  kind: 'punct' | 'name' | 'string' | 'number' | 'end';
  value: string;
  loc: Location;
}

const PUNCTUATORS = new Set(['{', '}', '(', ')', ':', '$', '!', '=', '[', ']']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const loc = (at: number) => ({ line, column: at - lineStart + 1 });
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line += 1;
      lineStart = i + 1;
      i += 1;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === ',') {
      i += 1;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (text.startsWith('...', i)) {
      tokens.push({ kind: 'punct', value: '...', loc: loc(i) });
      i += 3;
    } else if (PUNCTUATORS.has(c)) {
      tokens.push({ kind: 'punct', value: c, loc: loc(i) });
      i += 1;
    } else if (/[_A-Za-z]/.test(c)) {
      const match = /^[_A-Za-z][_0-9A-Za-z]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'name', value: match[0], loc: loc(i) });
      i += match[0].length;
    } else if (/[-0-9]/.test(c)) {
      const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!match) {
        throw new GraphqlSyntaxError(`Parse error on "${c}"`, loc(i));
      }
      tokens.push({ kind: 'number', value: match[0], loc: loc(i) });
      i += match[0].length;
    } else if (c === '"' && !text.startsWith('"""', i)) {
      const start = loc(i);
      let end = i + 1;
      while (end < text.length && text[end] !== '"' && text[end] !== '\n') {
        end += text[end] === '\\' ? 2 : 1;
      }
      if (text[end] !== '"') {
        throw new GraphqlSyntaxError('Parse error: unterminated string', start);
      }
      // A GraphQL string literal's escapes are JSON's (\u, \n, \", ...).
      tokens.push({
        kind: 'string',
        value: JSON.parse(text.slice(i, end + 1)),
        loc: start,
      });
      i = end + 1;
    } else {
      throw new GraphqlSyntaxError(`Parse error on "${c}"`, loc(i));
    }
  }
  tokens.push({ kind: 'end', value: '', loc: loc(i) });
  return tokens;
}

/** Parses a query document that holds exactly one query operation. */
export function parseQuery(text: string): OperationNode {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const fail = (token: Token): never => {
    throw new GraphqlSyntaxError(
      token.kind === 'end'
        ? 'Parse error on end of query'
        : `Parse error on "${token.value}"`,
      token.loc,
    );
  };
  const take = (kind: Token['kind'], value?: string) => {
    const token = peek();
    if (token.kind !== kind || (value !== undefined && token.value !== value)) {
      fail(token);
    }
    at += 1;
    return token;
  };
  const is = (kind: Token['kind'], value?: string) =>
    peek().kind === kind && (value === undefined || peek().value === value);

  const parseValue = (): Value => {
    const token = peek();
    if (is('punct', '$')) {
      at += 1;
      return { kind: 'variable', name: take('name').value };
    }
    at += 1;
    if (token.kind === 'string') return { kind: 'literal', value: token.value };
    if (token.kind === 'number') {
      return { kind: 'literal', value: Number(token.value) };
    }
    if (
      token.kind === 'name' &&
      ['true', 'false', 'null'].includes(token.value)
    ) {
      return { kind: 'literal', value: JSON.parse(token.value) };
    }
    // Enums, lists and input objects: no field the stand-in serves takes them.
    return fail(token);
  };

  const parseType = (): string => {
    let type: string;
    if (is('punct', '[')) {
      at += 1;
      type = `[${parseType()}]`;
      take('punct', ']');
    } else {
      type = take('name').value;
    }
    if (is('punct', '!')) {
      at += 1;
      type += '!';
    }
    return type;
  };

  const parseSelections = (): SelectionNode[] => {
    take('punct', '{');
    const selections: SelectionNode[] = [];
    while (!is('punct', '}')) {
      const start = peek();
      if (is('punct', '...')) {
        at += 1;
        const on = take('name');
        if (on.value !== 'on') fail(on);
        const typeCondition = take('name').value;
        selections.push({
          kind: 'fragment',
          typeCondition,
          selections: parseSelections(),
          loc: start.loc,
        });
        continue;
      }
      let name = take('name').value;
      let alias: string | undefined;
      if (is('punct', ':')) {
        at += 1;
        alias = name;
        name = take('name').value;
      }
      const args: FieldNode['args'] = [];
      if (is('punct', '(')) {
        at += 1;
        while (!is('punct', ')')) {
          const arg = take('name');
          take('punct', ':');
          args.push({ name: arg.value, value: parseValue(), loc: arg.loc });
        }
        at += 1;
      }
      selections.push({
        kind: 'field',
        ...(alias ? { alias } : {}),
        name,
        args,
        ...(is('punct', '{') ? { selections: parseSelections() } : {}),
        loc: start.loc,
      });
    }
    at += 1;
    if (!selections.length) fail(tokens[at - 1]);
    return selections;
  };

  const start = peek();
  let name: string | undefined;
  const variables: VariableDefinition[] = [];
  if (is('name')) {
    const keyword = take('name');
    if (keyword.value !== 'query') fail(keyword);
    if (is('name')) name = take('name').value;
    if (is('punct', '(')) {
      at += 1;
      while (!is('punct', ')')) {
        const loc = take('punct', '$').loc;
        const variable = take('name').value;
        take('punct', ':');
        const type = parseType();
        let defaultValue: Value | undefined;
        if (is('punct', '=')) {
          at += 1;
          defaultValue = parseValue();
        }
        variables.push({ name: variable, type, defaultValue, loc });
      }
      at += 1;
    }
  }
  const selections = parseSelections();
  if (!is('end')) fail(peek());
  return { name, variables, selections, loc: start.loc };
}
