import { buildSchema, graphql } from 'graphql';
import { StandInProject } from './StandInProject';

/**
 * The part of GitLab's GraphQL schema the stand-in serves, with GitLab's
 * names and types (from its GraphQL reference: Query.project,
 * Project.repository, Repository.blobs, RepositoryBlob). A query asking for
 * anything else fails validation, as it would against GitLab's schema.
 */
const schema = buildSchema(`
  type Query {
    project(fullPath: ID!): Project
  }
  type Project {
    id: ID!
    fullPath: ID!
    repository: Repository
  }
  type Repository {
    exists: Boolean!
    rootRef: String
    blobs(paths: [String!]!, ref: String, first: Int): RepositoryBlobConnection
  }
  type RepositoryBlobConnection {
    nodes: [RepositoryBlob]
  }
  type RepositoryBlob {
    id: ID!
    oid: String!
    path: String!
    name: String
    size: Int
    rawTextBlob: String
    rawBlob: String
  }
`);

/** Answers a GraphQL request for the given projects (by full path). */
export async function executeGraphql(
  projects: Map<string, StandInProject>,
  body: { query?: string; variables?: Record<string, unknown> },
) {
  const rootValue = {
    project: ({ fullPath }: { fullPath: string }) => {
      const project = projects.get(fullPath);
      if (!project) return null;
      return {
        id: `gid://gitlab/Project/${project.id}`,
        fullPath,
        repository: () => ({
          exists: true,
          rootRef: 'main',
          blobs: async ({ paths, ref }: { paths: string[]; ref?: string }) => {
            const commit = await project.resolve(ref ?? 'HEAD');
            if (!commit) return { nodes: [] };
            const nodes = [];
            for (const path of paths) {
              const text = await project.text(commit, path);
              if (text === undefined) continue; // GitLab leaves missing paths out
              const oid = (
                await project.git('rev-parse', `${commit}:${path}`)
              ).trim();
              const binary = text.includes('\0');
              nodes.push({
                id: `gid://gitlab/Gitlab::Graphql::Representation::TreeEntry/${oid}`,
                oid,
                path,
                name: path.split('/').pop(),
                size: Buffer.byteLength(text),
                rawTextBlob: binary ? null : text,
                rawBlob: text,
              });
            }
            return { nodes };
          },
        }),
      };
    },
  };
  return graphql({
    schema,
    source: body.query ?? '',
    rootValue,
    variableValues: body.variables,
  });
}
