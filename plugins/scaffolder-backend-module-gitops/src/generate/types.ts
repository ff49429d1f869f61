/** A file to write, relative to the scaffolder action's targetPath. */
export interface GeneratedFile {
  path: string;
  content: string;
}

export interface ResourceList {
  cpu?: string;
  memory?: string;
}

export interface Resources {
  requests?: ResourceList;
  limits?: ResourceList;
}

export type Hpa = {
  minReplicas: number;
  maxReplicas: number;
} & (
  | { kind: 'cpu'; targetCPUUtilizationPercentage: number }
  | {
      kind: 'external';
      metricName: string;
      selector?: { matchLabels: Record<string, string> };
      targetAverageValue: string;
    }
);

export interface CanaryStep {
  setWeight?: number;
  pause?: { duration?: string };
}

export type Workload =
  | { kind: 'Deployment' }
  | {
      kind: 'Rollout';
      strategy: 'blueGreen';
      scaleDownDelaySeconds: number;
    }
  | { kind: 'Rollout'; strategy: 'canary'; canarySteps: CanaryStep[] };

export interface MigrationProxy {
  image: string;
  args?: string[];
  port?: number;
}

export interface Migration {
  command?: string[];
  args?: string[];
  envFromSecret?: string;
  backoffLimit: number;
  activeDeadlineSeconds: number;
  proxy?: MigrationProxy;
}

export interface StartupProbe {
  path: string;
  failureThreshold: number;
  periodSeconds: number;
}

/** How the service runs in one environment. */
export interface ServiceEnvironment {
  name: string;
  protected: boolean;
  namespace: string;
  /** Fixed replicas; unused where `hpa` scales the workload. */
  replicas: number;
  hpa?: Hpa;
  podDisruptionBudget: boolean;
  /** The overlay folder (kustomize) or values file (helm) of the environment. */
  path: string;
}

export type Layout =
  | { format: 'kustomize'; basePath: string }
  | { format: 'helm'; commonValuesPath: string; chart: ChartRef };

export type ChartRef =
  | { path: string }
  | { repoURL: string; chart: string; version: string };

/** Everything the generators need, validated and with defaults applied. */
export interface ServiceSpec {
  name: string;
  /** Image repository, without tag or digest. */
  image: string;
  version: string;
  port: number;
  service: boolean;
  env: Record<string, string>;
  config: Record<string, string>;
  resources: Resources;
  readinessPath: string;
  livenessPath: string;
  startupProbe?: StartupProbe;
  preStopSeconds: number;
  shutdownSeconds: number;
  workload: Workload;
  migration?: Migration;
  environmentLabel: string;
  layout: Layout;
  environments: ServiceEnvironment[];
}
