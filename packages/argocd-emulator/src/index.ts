/**
 * A stand-in for Argo CD's REST API over a local Git manifest repository.
 *
 * @packageDocumentation
 */
export { createEmulator, createEmulatorApp } from './emulator';
export type {
  CreateEmulatorOptions,
  Emulator,
  EmulatorOptions,
  RunningEmulator,
} from './emulator';
export type { Faults, FaultTarget } from './faults';
export type { Reconciler } from './reconciler';
export { DEFAULT_TIMINGS } from './state';
export type { Timings } from './state';
export type { Clock } from './time';
export { readDeclaredApplications } from './applications';
export type { DeclaredApplication } from './applications';
export { createSchemaValidator, loadContract } from './schema';
export type { SchemaDocument, SchemaViolation } from './schema';
export { commitFiles, seedManifestRepo } from './testRepo';
