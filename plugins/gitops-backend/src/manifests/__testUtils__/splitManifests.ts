/**
 * A service's plain manifests spread over a folder the way teams keep them:
 * one file per workload (Deployment, CronJob, PreSync migration Job) and a
 * Service without the image; the image written plain, with a trailing
 * comment, quoted, and next to images that are not the service's.
 */
export function splitManifests(
  folder: string,
  prefix: string,
  image: string,
): Record<string, string> {
  return {
    [`${folder}/${prefix}-cronjob.yaml`]: `apiVersion: batch/v1
kind: CronJob
metadata:
  name: order-reconcile
spec:
  schedule: "*/15 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: reconcile
            image: ${image}
            args: [reconcile]
`,
    [`${folder}/${prefix}-deployment.yaml`]: `# order: the API.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: order
spec:
  template:
    spec:
      initContainers:
        - name: wait-for-db
          image: busybox:1.36 # not ours
      containers:
        - name: order
          image: ${image} # set by Shipdeck
          ports: [{ containerPort: 8080 }]
`,
    [`${folder}/${prefix}-migrate.yaml`]: `apiVersion: batch/v1
kind: Job
metadata:
  name: order-migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: "${image}"
      containers:
        - name: done
          image: busybox:1.36
`,
    [`${folder}/${prefix}-service.yaml`]: `apiVersion: v1
kind: Service
metadata:
  name: order
spec:
  ports: [{ port: 80, targetPort: 8080 }]
`,
  };
}
