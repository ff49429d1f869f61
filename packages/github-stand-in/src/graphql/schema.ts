/**
 * The part of GitHub's GraphQL schema the stand-in serves: Git objects of a
 * repository looked up by revision expression (`<commit>:<path>`), which is
 * how clients read many files in one request. Transcribed from GitHub's
 * public schema (`schema.graphql` of @octokit/graphql-schema 15.26.1, types
 * Query, Repository, GitObject, Blob, Commit, Tree, Tag): every name, argument
 * and type below is GitHub's. Fields GitHub has but the stand-in does not
 * serve are left out, so a query naming one fails like a misspelt field
 * would, instead of getting invented data.
 */

export interface FieldDefinition {
  /** GraphQL type notation, e.g. `String!`, `GitObject`. */
  type: string;
  /** Argument name → type. */
  args?: Record<string, string>;
}

export interface TypeDefinition {
  kind: 'OBJECT' | 'INTERFACE';
  fields: Record<string, FieldDefinition>;
  /** For objects: the interfaces they implement. */
  interfaces?: string[];
}

/** Scalars the fields below return, with the JSON type of their values. */
export const SCALARS: Record<string, 'string' | 'number' | 'boolean'> = {
  String: 'string',
  ID: 'string',
  GitObjectID: 'string',
  Int: 'number',
  Boolean: 'boolean',
};

const gitObject: Record<string, FieldDefinition> = {
  abbreviatedOid: { type: 'String!' },
  id: { type: 'ID!' },
  oid: { type: 'GitObjectID!' },
  repository: { type: 'Repository!' },
};

export const TYPES: Record<string, TypeDefinition> = {
  Query: {
    kind: 'OBJECT',
    fields: {
      repository: {
        type: 'Repository',
        args: { followRenames: 'Boolean', name: 'String!', owner: 'String!' },
      },
    },
  },
  Repository: {
    kind: 'OBJECT',
    fields: {
      id: { type: 'ID!' },
      name: { type: 'String!' },
      nameWithOwner: { type: 'String!' },
      object: {
        type: 'GitObject',
        args: { expression: 'String', oid: 'GitObjectID' },
      },
    },
  },
  GitObject: { kind: 'INTERFACE', fields: gitObject },
  Blob: {
    kind: 'OBJECT',
    interfaces: ['GitObject', 'Node'],
    fields: {
      ...gitObject,
      byteSize: { type: 'Int!' },
      isBinary: { type: 'Boolean' },
      isTruncated: { type: 'Boolean!' },
      text: { type: 'String' },
    },
  },
  Commit: {
    kind: 'OBJECT',
    interfaces: ['GitObject', 'Node'],
    fields: { ...gitObject, tree: { type: 'Tree!' } },
  },
  Tree: {
    kind: 'OBJECT',
    interfaces: ['GitObject', 'Node'],
    fields: gitObject,
  },
  Tag: {
    kind: 'OBJECT',
    interfaces: ['GitObject', 'Node'],
    fields: gitObject,
  },
};

/** `[Tree!]!` → `Tree`. */
export function namedType(type: string): string {
  return type.replace(/[[\]!]/g, '');
}

/** Whether a fragment on `condition` applies to a value of object type `concrete`. */
export function fragmentApplies(condition: string, concrete: string): boolean {
  return (
    condition === concrete ||
    (TYPES[concrete]?.interfaces ?? []).includes(condition)
  );
}
