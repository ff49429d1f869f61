/**
 * A stand-in for the part of GitLab's API Shipdeck calls (REST v4
 * branches, tags, files, tree, commits, merge requests; GraphQL
 * `Repository.blobs`) over bare Git repositories on disk, for tests and
 * benches; with contract schemas of its answers (`contract/`).
 *
 * @packageDocumentation
 */
export { createGitLabStandIn } from './server';
export type {
  GitLabStandIn,
  GitLabStandInCall,
  GitLabStandInOptions,
  GitLabStandInProject,
  GitLabStandInWebhook,
} from './server';
export type { MergeRequestRecord } from './StandInProject';
