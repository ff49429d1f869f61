/**
 * A stand-in for Argo CD's REST API over a local Git manifest repository.
 *
 * @packageDocumentation
 */
export { createEmulatorApp } from './server';
export type { EmulatorOptions } from './server';
export { readDeclaredApplications } from './applications';
export type { DeclaredApplication } from './applications';
