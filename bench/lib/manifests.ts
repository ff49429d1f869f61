/*
 * The synthetic manifest repository of one Argo CD instance: `services`
 * Applications `svc-<i>-<env>` under argocd/, all pointing at the same small
 * kustomize path. Sharing one source (and one destination namespace, which
 * is part of the emulator's render key) means the emulator renders once and
 * every other app reuses it: the bench measures Shipdeck, not kubectl.
 */

/** The image every synthetic service runs (entities annotate the same one). */
export const BENCH_IMAGE = 'registry.example/shop/web';

/** Applications per file: files of many documents, as app-of-apps repos often have. */
const APPS_PER_FILE = 50;

export const serviceName = (i: number) => `svc-${i}`;

function application(service: string, env: string) {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${service}-${env}
  namespace: argocd
  labels:
    shipdeck.io/service: ${service}
    shipdeck.io/environment: ${env}
spec:
  project: default
  source:
    repoURL: https://git.example/shop/deploy.git
    path: app
    targetRevision: main
  destination:
    server: https://kubernetes.default.svc
    namespace: bench
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
`;
}

const KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - service.yaml
images:
  - name: ${BENCH_IMAGE}
    newTag: "1.0.0"
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ${BENCH_IMAGE}:0.0.0
          ports:
            - containerPort: 8080
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports:
    - port: 80
      targetPort: 8080
`;

/** Path → content of the repository of `env`'s instance. */
export function manifestRepoFiles(
  env: string,
  services: number,
): Record<string, string> {
  const files: Record<string, string> = {
    'app/kustomization.yaml': KUSTOMIZATION,
    'app/deployment.yaml': DEPLOYMENT,
    'app/service.yaml': SERVICE,
  };
  for (let first = 0; first < services; first += APPS_PER_FILE) {
    const docs: string[] = [];
    for (let i = first; i < Math.min(services, first + APPS_PER_FILE); i++) {
      docs.push(application(serviceName(i), env));
    }
    const part = String(first / APPS_PER_FILE).padStart(3, '0');
    files[`argocd/apps-${part}.yaml`] = docs.join('---\n');
  }
  return files;
}
