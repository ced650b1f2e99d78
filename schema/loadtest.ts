/**
 * The k6 load test, an opt-in `helm test` hook (off by default). Its values become the `config.json`
 * the script reads; generator/templates/nexus/files/loadtest/options.ts turns them into k6 scenarios
 * and thresholds. Threshold defaults are the platform document's targets: API p95 under 200 ms,
 * errors under 0.1 %, at least 1000 requests/s sustained, checks passing.
 */
import { z } from 'zod';
import { containerExtensions, placement } from './extensions.ts';
import { port, resourceName, stringMap } from './primitives.ts';
import { image, podSecurity, resources } from './workload.ts';

/** The knobs the k6 Pod takes, like the smoke tests': env (proxies, CA bundles, k6 settings), placement, labels, annotations. */
const { extraEnv, extraEnvFrom } = containerExtensions('k6');

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const request = (what: string) =>
  z
    .strictObject({
      name: z.string().min(1).describe('Names the request in checks, tags and the JUnit report.'),
      method: z.enum(HTTP_METHODS).default('GET').describe('HTTP method.'),
      path: z.string().startsWith('/').describe('Path and query, appended to the target URL (e.g. `/api/v1/items?limit=20`).'),
      body: z.unknown().optional().describe('JSON body (sent with `Content-Type: application/json`).'),
      headers: stringMap().default({}).describe('Extra request headers.'),
      expectedStatuses: z.array(z.number().int().min(100).max(599)).min(1).default([200]).describe('Statuses that count as success, for the check and for `http_req_failed`.'),
    })
    .describe(what);

const target = (d: { what: string; url: string }) =>
  z
    .strictObject({
      enabled: z.boolean().default(true).describe(`Load the platform ${d.what}.`),
      url: z.string().regex(/^$|^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { error: 'must be empty or an http(s) URL such as `https://nexus.example.com`' }).default('').describe(`Base URL; empty means ${d.url}.`),
      hostHeader: z.string().default('').describe('Host header to send, e.g. the public host name when `url` is the ingress controller\'s Service.'),
    })
    .prefault({})
    .describe(`The ${d.what}.`);

export const LoadtestSection = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Render the k6 load test as a `helm test` hook (Pod `<release>-loadtest`, after the smoke tests). Run it on its own with `helm test <release> --filter name=<release>-loadtest --logs`; point it at staging, not production (it writes).'),
    image: image({ registry: 'docker.io', repository: 'grafana/k6', tag: '1.3.0' }),
    hookWeight: z.number().int().default(10).describe('`helm.sh/hook-weight` of the test Pod: above the smoke tests (0), so a plain `helm test` runs it after them.'),
    activeDeadlineSeconds: z.number().int().min(60).default(1800).describe('Hard deadline of the test Pod.'),
    targets: z
      .strictObject({
        gateway: target({ what: 'through the gateway (pages and API)', url: '`https://<gateway.host or global.domain>` (`http://` while gateway TLS is off)' }),
        backend: target({ what: 'API straight at the backend Service (no gateway in the path)', url: '`http://<release>-backend:<backend.service.port>`' }),
      })
      .prefault({})
      .describe('Where the traffic goes. API runs hit the enabled targets one after the other (gateway first).'),
    gatewayClient: z
      .strictObject({
        enabled: z.boolean().default(true).describe('While the load test goes through the gateway (`targets.gateway` with its derived URL) and the gateway rate-limits, the k6 Pod identifies to Kong as its own consumer, `<release>-loadtest` (key-auth, the key in `existingSecret`), which has its own limit (`perSecond`). Without it the load generator is one more client IP held to `gateway.rateLimiting` and is answered 429 long before the target rate; rule `loadtest-gateway-limit` refuses that combination. Every other client keeps the per-client limit: requests without a valid key go through as the anonymous consumer `<release>-gateway-anonymous`.'),
        existingSecret: resourceName().default('').describe('Secret with the consumer\'s API key in `key`, labelled `konghq.com/credential: key-auth` (the label the Kong ingress controller finds credentials by). Read by the Kong ingress controller and the k6 Pod. Required while the consumer is on.'),
        header: z.string().regex(/^[A-Za-z0-9-]+$/, { error: 'must be an HTTP header name, e.g. `X-Nexus-Loadtest-Key`' }).default('X-Nexus-Loadtest-Key').describe('Header carrying the key; Kong strips it before proxying (`hide_credentials`).'),
        perSecond: z.number().int().min(1).nullable().default(null).describe('The consumer\'s own limit in requests per second, counted like `gateway.rateLimiting` (same policy and Redis); null: twice `api.targetRate` plus `browse.vus` (room for k6 catching up after a slow phase, and the page views). Must not be below `api.targetRate`.'),
      })
      .prefault({})
      .describe('The load generator\'s own identity and limit at the gateway, so the gateway defaults and the load-test target agree.'),
    insecureSkipTLSVerify: z.boolean().default(false).describe('Accept any TLS certificate (e.g. a staging certificate the pod cannot verify).'),
    api: z
      .strictObject({
        startRate: z.number().int().min(0).default(10).describe('API requests/s when a target\'s run starts.'),
        targetRate: z.number().int().min(1).default(1100).describe('API requests/s the ramp reaches and holds (ramping-arrival-rate: one request per iteration). Above `thresholds.minSustainedRate`, so a few late iterations do not fail the run.'),
        rampUpSeconds: z.number().int().min(1).default(120).describe('Seconds from `startRate` to `targetRate`.'),
        holdSeconds: z.number().int().min(1).default(300).describe('Seconds at `targetRate`: the sustain window the rate threshold measures.'),
        rampDownSeconds: z.number().int().min(0).default(30).describe('Seconds back to 0.'),
        preAllocatedVUs: z.number().int().min(1).default(200).describe('VUs allocated up front (arrival-rate executors).'),
        maxVUs: z.number().int().min(1).default(1500).describe('Most VUs k6 may add to keep the rate when responses slow down.'),
        writePercent: z.number().int().min(0).max(100).default(20).describe('Share of API requests that are writes (spread evenly); the rest are reads.'),
        reads: z
          .array(request('An API read.'))
          .min(1)
          .default([{ name: 'list items', method: 'GET', path: '/api/v1/items?limit=20', headers: {}, expectedStatuses: [200] }])
          .describe('API reads, sent in turn.'),
        writes: z
          .array(request('An API write.'))
          .default([{ name: 'create item', method: 'POST', path: '/api/v1/items', body: { name: 'k6 load test', description: 'created by the nexus load test' }, headers: {}, expectedStatuses: [200, 201] }])
          .describe('API writes, sent in turn (empty: reads only).'),
        timeoutSeconds: z.number().int().min(1).default(10).describe('Request timeout.'),
      })
      .prefault({})
      .describe('API traffic: a ramping arrival rate up to the target rate, then held.'),
    browse: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Browse frontend pages through the gateway during the gateway run.'),
        pages: z
          .array(request('A frontend page.'))
          .min(1)
          .default([{ name: 'home page', method: 'GET', path: '/', headers: {}, expectedStatuses: [200] }])
          .describe('Pages each visitor reads in order.'),
        vus: z.number().int().min(1).default(50).describe('Concurrent visitors at the peak.'),
        thinkTimeSeconds: z.number().min(0).default(2).describe('Pause between two pages.'),
      })
      .prefault({})
      .describe('Page views (a closed model with think time).'),
    thresholds: z
      .strictObject({
        apiP95Ms: z.number().positive().default(200).describe('API responses: p(95) below this many ms, for each target.'),
        pageP95Ms: z.number().positive().nullable().default(null).describe('Pages: p(95) below this many ms; null sets no page threshold.'),
        errorRate: z.number().min(0).max(1).default(0.001).describe('Failed requests (`http_req_failed`) below this share (0.001 = 0.1 %).'),
        abortOnErrorRate: z.boolean().default(true).describe('Stop the run as soon as the error rate is crossed (no point loading a failing platform).'),
        abortDelaySeconds: z.number().int().min(0).default(60).describe('Seconds before the error rate may abort the run.'),
        minSustainedRate: z.number().positive().default(1000).describe('Successful API requests/s each target must serve while at the target rate: the threshold is a count, `minSustainedRate × holdSeconds`.'),
        checkRate: z.number().min(0).max(1).default(0.999).describe('Share of checks (expected statuses) that must pass.'),
        extra: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).default({}).describe('Extra k6 thresholds by metric expression, e.g. `{"http_req_duration{request:create item}": ["p(99)<500"]}`.'),
      })
      .prefault({})
      .describe('Pass/fail criteria; a crossed threshold exits 99 and fails the test Pod.'),
    auth: z
      .strictObject({
        existingSecret: z.string().default('').describe('Secret with a bearer token for the API (sent as `Authorization: Bearer`); empty sends none.'),
        tokenKey: z.string().min(1).default('token').describe('Key of the token in that Secret.'),
      })
      .prefault({})
      .describe('API credentials, by reference.'),
    networkPolicy: z
      .strictObject({
        gatewayPorts: z.array(port()).min(1).default([8000, 8443]).describe('Ports of the ingress controller pods the gateway URL reaches (Kong proxy: 8000 and 8443); NetworkPolicies see pod ports, after the Service.'),
        extraEgress: z.array(z.record(z.string(), z.unknown())).default([]).describe('Extra egress rules, appended verbatim (e.g. an ipBlock for a gateway reached through an external load balancer).'),
      })
      .prefault({})
      .describe('Egress of the test Pod: the ingress controller and the backend pods only (DNS comes from the release policy).'),
    resources: resources({ requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } }),
    podSecurityContext: podSecurity({ runAsUser: 12345, runAsGroup: 12345, fsGroup: 12345 }),
    extraEnv,
    extraEnvFrom,
    ...placement(),
    podLabels: stringMap().default({}).describe('Extra labels of the k6 Pod (never used in selectors; the chart\'s own labels win).'),
    podAnnotations: stringMap().default({}).describe('Extra annotations of the k6 Pod (e.g. `sidecar.istio.io/inject: "false"`, so a mesh sidecar does not keep the finished Pod running); the `helm.sh/hook` and checksum annotations win.'),
  })
  .prefault({})
  .describe('k6 load test (opt-in `helm test` hook).');
