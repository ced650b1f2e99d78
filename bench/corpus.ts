/** Deterministic benchmark corpora: realistic Deployments and Services as helm renders them. */

function deployment(i: number): string {
  const name = `svc-${i}`;
  return `# Source: bench/templates/deployment-${i % 50}.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: team-${i % 7}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/instance: bench
    app.kubernetes.io/version: "1.${i % 10}.0"
    app.kubernetes.io/managed-by: Helm
  annotations:
    example.com/owner: team-${i % 7}
spec:
  replicas: ${1 + (i % 5)}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
      app.kubernetes.io/instance: bench
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
        app.kubernetes.io/instance: bench
      annotations:
        checksum/config: "${(i * 2654435761 % 4294967296).toString(16).padStart(8, '0')}"
    spec:
      serviceAccountName: ${name}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          image: "registry.example.com/team-${i % 7}/${name}:1.${i % 10}.0"
          imagePullPolicy: IfNotPresent
          args: ["--port=8080", "--log-level=info"]
          env:
            - name: LOG_LEVEL
              value: info
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: ${name}-db
                  key: password
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
          resources:
            requests:
              cpu: ${50 + (i % 10) * 10}m
              memory: ${64 * (1 + (i % 4))}Mi
            limits:
              memory: ${128 * (1 + (i % 4))}Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          readinessProbe:
            httpGet:
              path: /ready
              port: http
            periodSeconds: 10
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 20
            failureThreshold: 3
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
`;
}

function service(i: number): string {
  const name = `svc-${i}`;
  return `# Source: bench/templates/service-${i % 50}.yaml
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: team-${i % 7}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/instance: bench
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/instance: bench
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
`;
}

/** `count` documents, Deployments and Services alternating (half each). */
export function mixedCorpus(count: number): string[] {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) docs.push(i % 2 === 0 ? deployment(i >> 1) : service(i >> 1));
  return docs;
}

export function toStream(docs: string[]): string {
  return docs.map((d) => `---\n${d}`).join('');
}

/**
 * `count` documents, Deployments and Services alternating, each with exactly one schema error that
 * kubeconform reports too: a quoted number where the API takes an integer.
 */
export function schemaErrorCorpus(count: number): string[] {
  return mixedCorpus(count).map((d) => (d.includes('kind: Deployment') ? d.replace(/\n {2}replicas: (\d+)\n/, '\n  replicas: "$1"\n') : d.replace('\n      port: 80\n', '\n      port: "80"\n')));
}

/** The CustomResourceDefinition of the CRD corpus: a namespaced `Widget` (bench.example.com/v1) with a typical nested spec. */
export const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.bench.example.com
spec:
  group: bench.example.com
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            apiVersion: { type: string }
            kind: { type: string }
            metadata: { type: object }
            spec:
              type: object
              required: [size, image]
              properties:
                size: { type: integer, minimum: 1, maximum: 100 }
                image: { type: string, minLength: 1 }
                mode: { type: string, enum: [fast, safe, slow] }
                ports:
                  type: array
                  items:
                    type: object
                    required: [port]
                    properties:
                      name: { type: string, maxLength: 15 }
                      port: { type: integer, minimum: 1, maximum: 65535 }
                      protocol: { type: string, enum: [TCP, UDP, SCTP] }
                resources:
                  type: object
                  properties:
                    cpu: { x-kubernetes-int-or-string: true }
                    memory: { x-kubernetes-int-or-string: true }
                selector:
                  type: object
                  additionalProperties: { type: string }
            status:
              type: object
              x-kubernetes-preserve-unknown-fields: true
`;

/** `count` Widgets, each with one unknown field (`spec.colour`), which strict mode must reject. */
export function crdCorpus(count: number): string[] {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    docs.push(`apiVersion: bench.example.com/v1
kind: Widget
metadata:
  name: widget-${i}
  namespace: team-${i % 7}
  labels:
    app.kubernetes.io/name: widget-${i}
spec:
  size: ${1 + (i % 100)}
  image: "registry.example.com/widgets/w:1.${i % 10}.0"
  mode: ${["fast", "safe", "slow"][i % 3]}
  colour: blue
  ports:
    - name: http
      port: ${8000 + (i % 1000)}
      protocol: TCP
  resources:
    cpu: ${100 + (i % 9) * 50}m
    memory: 256Mi
  selector:
    app: widget-${i}
`);
  }
  return docs;
}

/** One Deployment whose container has `findings` environment variables, each with a misspelt `valeu` (one unknown field each). */
export function hugeDocument(findings: number): string {
  const env: string[] = [];
  for (let i = 0; i < findings; i++) env.push(`            - name: VAR_${i}\n              valeu: "${i}"\n`);
  return deployment(0).replace('          env:\n', `          env:\n${env.join('')}`);
}

/** `count` Deployments (the per-document reference the CRD corpus is compared with). */
export function deploymentCorpus(count: number): string[] {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) docs.push(deployment(i));
  return docs;
}
