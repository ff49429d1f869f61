import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { Service, ConfigMap } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Rollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';

const run = promisify(execFile);

/** A Kubernetes object as parsed; tests reach into it freely. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: any };
  [key: string]: any;
};

type Model = new (data: any) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'argoproj.io/v1alpha1/Rollout': Rollout,
  'argoproj.io/v1alpha1/Application': Application,
};

/**
 * Validates an object against its Kubernetes (or Argo) schema. A kind with
 * no validator here fails: an unchecked object would pass silently.
 */
export function validateObject(object: KubeObject): void {
  const key = `${object.apiVersion}/${object.kind}`;
  const Model = MODELS[key];
  if (!Model) {
    throw new Error(`No schema to validate ${key} (${object.metadata?.name})`);
  }
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(`${key} ${object.metadata?.name} is invalid: ${error}`);
  }
}

export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map(doc => {
      if (doc.errors.length > 0) throw doc.errors[0];
      return doc.toJS() as KubeObject;
    })
    .filter(Boolean);
}

/** `kubectl kustomize <dir>`: the objects Argo CD would apply. */
export async function kustomizeBuild(dir: string): Promise<KubeObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', dir], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseObjects(stdout);
}

/** The one object of a kind (and name), failing when there is not exactly one. */
export function only(
  objects: KubeObject[],
  kind: string,
  name?: string,
): KubeObject {
  const found = objects.filter(
    o => o.kind === kind && (name === undefined || o.metadata.name === name),
  );
  if (found.length !== 1) {
    throw new Error(
      `Expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`,
    );
  }
  return found[0];
}
