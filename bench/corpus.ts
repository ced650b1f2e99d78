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
