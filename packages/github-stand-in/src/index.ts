/**
 * A stand-in for the part of GitHub's API Shipdeck calls (REST refs,
 * commits, trees, contents, pull requests; GraphQL Git object lookups) over
 * bare Git repositories on disk, for tests; plus a small validator for
 * GitHub's OpenAPI response schemas.
 *
 * @packageDocumentation
 */
export { createGitHubStandIn } from './server';
export type {
  GitHubStandIn,
  GitHubStandInCall,
  GitHubStandInOptions,
  GitHubStandInRepository,
} from './server';
export type { StandInRepository } from './StandInRepository';
export type { PullRecord, StandInUser } from './shapes';
export {
  matchPathTemplate,
  operationId,
  resolveRef,
  responseSchema,
  validateSchema,
} from './openapi';
export type { OpenApiDocument, Schema, SchemaViolation } from './openapi';
export { seedBareRepository } from './seed';
export { GitHubStandInFaults } from './faults';
export type { GitHubStandInFault } from './faults';
// Git plumbing for other stand-ins over bare repositories (GitLab's).
export { git, GitError, listTree, readRef, ZERO_SHA } from './git';
export type { TreeEntry } from './git';
export { webhookSignature } from './webhooks';
export type { StandInWebhook, WebhookDelivery } from './webhooks';
