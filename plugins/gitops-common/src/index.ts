/**
 * Shared types, permissions, annotation keys and the typed REST client of
 * Shipdeck, used by the gitops frontend, backend and scaffolder module.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './types';
export * from './entityRefs';
export * from './client';
export * from './overviewRows';
export * from './deploymentStatus';
export * from './lag';
export * from './sourceChanges';
export * from './changeRequests';
