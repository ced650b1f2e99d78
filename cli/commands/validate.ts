import { Option, type Command } from 'commander';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { NexusError } from '../../util/errors.ts';
import type { Severity } from '../../core/types.ts';
import type { Report } from '../../validator/report.ts';
import { addValuesOptions, collect, collectCsv, valuesOptions, type ValuesFlags } from '../flags.ts';
import type { CliIo } from '../io.ts';
import { TOOL_VERSION } from '../version.ts';

interface ValidateFlags extends ValuesFlags {
  chart?: string;
  helm?: string;
  format: 'text' | 'json' | 'sarif' | 'junit' | 'tap';
  quiet?: boolean;
  skip: string[];
  reject: string[];
  output?: string;
  failOn: Severity;
  kubeVersion?: string;
  apiVersions: string[];
  strict: boolean;
  crd: string[];
  schemaLocation: string[];
  ignoreMissingSchemas?: boolean;
  lint: boolean;
  policies: boolean;
  deep?: boolean;
  releaseName?: string;
  namespace?: string;
  policyConfig?: string;
  pssLevel?: 'privileged' | 'baseline' | 'restricted';
  pssVersion?: string;
  upgradeFrom?: string;
  upgradeFromVersion?: string;
  upgradeStrategy?: 'merge' | 'replace';
  expandableStorageClass: string[];
  defaultStorageClass?: string;
  serviceClusterIpRange?: string;
  serviceNodePortRange?: string;
  clusterObjects: string[];
}

export function registerValidate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addValuesOptions(program
    .command('validate')
    .description(
      'render the chart with real helm for each values file (default: the umbrella chart with values.staging.yaml and values.production.yaml) or read manifests, then check values, helm lint, Kubernetes schemas (strict), removed APIs and policies (exit 0 clean, 1 findings, 2 could not run)',
    )
    .argument('[inputs...]', 'manifest files, directories or - (stdin) to validate instead of rendering a chart'))
    .option('--chart <dir>', 'chart directory (default charts/nexus)')
    .option('--helm <path>', 'helm binary (default: $HELM_BIN, then the bundled helm 4.1.4)')
    .option('--kube-version <version>', 'target Kubernetes version, 1.29–1.36: its API schemas and removed/deprecated APIs, and helm --kube-version (default 1.36)')
    .option('--api-versions <list>', 'API versions the target cluster serves (helm --api-versions; repeatable or comma-separated)', collectCsv, [] as string[])
    .option('--strict', 'reject unknown fields at any depth (the default; kubeconform spells it -strict)')
    .option('--no-strict', 'accept unknown fields')
    .option('--skip <kinds>', 'kinds not to check, e.g. Secret or v1/Secret (repeatable or comma-separated; kubeconform -skip)', collectCsv, [] as string[])
    .option('--reject <kinds>', 'kinds that are findings wherever they appear (repeatable or comma-separated; kubeconform -reject)', collectCsv, [] as string[])
    .option('-q, --quiet', 'print only the findings that fail the run (--fail-on); nothing when it passes')
    .option('--crd <file>', 'CRD manifest whose openAPIV3Schema validates its custom resources (repeatable)', collect, [] as string[])
    .option('--schema-location <location>', 'kubeconform-style schema location: `default`, a directory or a URL template (repeatable, tried in order)', collect, [] as string[])
    .option('--ignore-missing-schemas', 'report kinds without a schema as skipped instead of errors')
    .option('--no-lint', 'skip helm lint')
    .option('--no-policies', 'skip the policy stage')
    .option('--deep', 'also check embedded configs with the real tools (promtool, amtool, postgres, redis-server)')
    .option('--policy-config <file>', 'policy configuration (default: .nexus-policy.yaml in the working directory, if present)')
    .addOption(new Option('--pss-level <level>', 'Pod Security Standards level (default: the config, then the rendered Namespace\'s enforce label, then restricted)').choices(['privileged', 'baseline', 'restricted']))
    .option('--pss-version <version>', 'Pod Security Standards version, `latest` or e.g. `v1.36`')
    .option(
      '--upgrade-from <old>',
      'also check the upgrade from the release it replaces, as the API server would judge each update: a manifest file or directory (a render, or `helm get manifest RELEASE` output; - for stdin), a chart directory or .tgz, oci://HOST/PATH/CHART[:VERSION], or a chart repository URL or directory (REPO#CHART); charts are rendered with the same values and flags',
    )
    .option('--upgrade-from-version <version>', 'version of the published chart to upgrade from (default: the highest published version below the new chart\'s)')
    .addOption(new Option('--upgrade-strategy <strategy>', 'how the upgrade writes objects: merge (helm upgrade, kubectl apply, server-side apply) or replace (helm upgrade --force)').choices(['merge', 'replace']).default('merge'))
    .option('--expandable-storage-class <name>', 'StorageClass whose allowVolumeExpansion is true on the target cluster, for PVC resizes (repeatable or comma-separated)', collectCsv, [] as string[])
    .option('--default-storage-class <name>', "the target cluster's default StorageClass (the class of claims created without one); '' when it has none")
    .option('--service-cluster-ip-range <cidrs>', "the target cluster's service CIDR(s), comma-separated (kube-apiserver --service-cluster-ip-range): fixed clusterIPs outside it are errors")
    .option('--service-node-port-range <range>', "the target cluster's node port range (kube-apiserver --service-node-port-range, default 30000-32767)")
    .option('--cluster-objects <file>', 'objects that already exist on the target cluster (e.g. `kubectl get runtimeclasses,priorityclasses,serviceaccounts -A -o yaml`): pods must name RuntimeClasses, PriorityClasses and ServiceAccounts found there or in the render (repeatable; /dev/null = an empty cluster)', collect, [] as string[])
    .option('--release-name <name>', 'release name for helm template (default nexus)')
    .option('-n, --namespace <ns>', 'release namespace for helm template and for objects without one (default nexus when rendering a chart)')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json', 'sarif', 'junit', 'tap']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the run').choices(['error', 'warning', 'info']).default('warning'))
    .action(async (inputs: string[], opts: ValidateFlags) => {
      if (inputs.length && (opts.chart || opts.values.length || opts.env.length || opts.set.length || opts.setString.length || opts.setFile.length || opts.setJson.length)) {
        throw new NexusError('pass either manifest inputs or --chart/-f, not both', { hint: 'validate rendered manifests with `nexus validate FILE…`, or a chart with `nexus validate --chart DIR -f values.yaml`' });
      }
      if (opts.pssVersion && !/^(latest|v1\.\d+)$/.test(opts.pssVersion)) {
        throw new NexusError(`--pss-version must be \`latest\` or a version such as \`v1.36\`, not \`${opts.pssVersion}\``, { hint: 'use the value of a namespace\'s pod-security.kubernetes.io/enforce-version label' });
      }
      if (opts.output && /^(text|json|sarif|junit|tap|pretty)$/.test(opts.output)) {
        throw new NexusError(`\`-o ${opts.output}\` would write the report to a file named "${opts.output}"`, {
          hint: `for the ${opts.output} format use \`--format ${opts.output === 'pretty' ? 'text' : opts.output}\` (kubeconform spells it \`-output ${opts.output}\`); to really write a file of that name, use -o ./${opts.output}`,
        });
      }
      if (opts.serviceNodePortRange && !/^\s*\d{1,5}\s*(-\s*\d{1,5}\s*)?$/.test(opts.serviceNodePortRange)) {
        throw new NexusError(`--service-node-port-range must be a port range such as 30000-32767, not \`${opts.serviceNodePortRange}\``, { hint: 'use the value of the kube-apiserver flag --service-node-port-range' });
      }
      if (opts.serviceClusterIpRange && !opts.serviceClusterIpRange.split(',').every((c) => /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c.trim()))) {
        throw new NexusError(`--service-cluster-ip-range must be one or two CIDRs such as 10.96.0.0/12, not \`${opts.serviceClusterIpRange}\``, { hint: 'use the value of the kube-apiserver flag --service-cluster-ip-range' });
      }
      // Loaded here, not at the top: other subcommands never pay for the validator's imports.
      const [{ validate }, { exitCodeFor, SEVERITY_RANK }] = await Promise.all([import('../../validator/run.ts'), import('../../validator/report.ts')]);
      // NEXUS_TIMING=1: each phase's wall and CPU time and the memory in use after it, on stderr.
      // The first line is start-up: from the process's start to here (Node, the CLI, the validator's modules).
      // Page faults are shown because first touches of memory are what a sandboxed VM makes expensive
      // (measured ~10 µs per 4 KiB page on this project's 2-core bench machine).
      let cpu = { user: 0, system: 0 };
      let faults = 0;
      const timing =
        process.env.NEXUS_TIMING === '1'
          ? (phase: string, ms: number) => {
              const used = process.cpuUsage(cpu);
              cpu = process.cpuUsage();
              const faulted = process.resourceUsage().minorPageFault;
              io.err(
                `timing: ${phase} ${ms.toFixed(0)} ms (cpu ${((used.user + used.system) / 1000).toFixed(0)} ms, of it system ${(used.system / 1000).toFixed(0)} ms, ` +
                  `page faults ${faulted - faults}, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB, rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB)\n`,
              );
              faults = faulted;
            }
          : undefined;
      timing?.('start-up', performance.now());
      const report = await validate({
        version: TOOL_VERSION,
        ...valuesOptions(opts),
        ...(opts.chart ? { chartDir: opts.chart } : {}),
        ...(inputs.length ? { manifests: inputs } : {}),
        ...(opts.helm ? { helmPath: opts.helm } : {}),
        ...(opts.kubeVersion ? { kubeVersion: opts.kubeVersion } : {}),
        ...(opts.apiVersions.length ? { apiVersions: opts.apiVersions } : {}),
        strict: opts.strict,
        ...(opts.skip.length ? { skipKinds: opts.skip } : {}),
        ...(opts.reject.length ? { rejectKinds: opts.reject } : {}),
        crdFiles: opts.crd,
        schemaLocations: opts.schemaLocation,
        ignoreMissingSchemas: !!opts.ignoreMissingSchemas,
        lint: opts.lint,
        policies: opts.policies,
        deep: !!opts.deep,
        ...(opts.policyConfig ? { policyConfig: opts.policyConfig } : {}),
        ...(opts.pssLevel ? { pssLevel: opts.pssLevel } : {}),
        ...(opts.pssVersion ? { pssVersion: opts.pssVersion } : {}),
        ...(opts.releaseName ? { releaseName: opts.releaseName } : {}),
        ...(opts.namespace ? { namespace: opts.namespace } : {}),
        ...(opts.upgradeFrom ? { upgradeFrom: opts.upgradeFrom, upgradeStrategy: opts.upgradeStrategy ?? 'merge', expandableStorageClasses: opts.expandableStorageClass } : {}),
        ...(opts.upgradeFromVersion ? { upgradeFromVersion: opts.upgradeFromVersion } : {}),
        ...(opts.defaultStorageClass !== undefined ? { defaultStorageClass: opts.defaultStorageClass } : {}),
        ...(opts.serviceClusterIpRange ? { serviceClusterIPRange: opts.serviceClusterIpRange } : {}),
        ...(opts.serviceNodePortRange ? { serviceNodePortRange: opts.serviceNodePortRange } : {}),
        ...(opts.clusterObjects.length ? { clusterObjects: opts.clusterObjects } : {}),
        ...(timing ? { onTiming: timing } : {}),
      });
      const shown = opts.quiet ? quietReport(report, opts.failOn, SEVERITY_RANK) : report;
      // The \`performance\` global loads perf_hooks on first use (~2 ms): read the clock only when timing.
      let mark = timing ? performance.now() : 0;
      const tm = (phase: string) => {
        if (!timing) return;
        timing(phase, performance.now() - mark);
        mark = performance.now();
      };
      if (opts.format === 'text' && !opts.quiet && !opts.output) {
        // Straight to stdout as it is formatted: a large report never exists as one string.
        // Chunk by chunk, waiting for a full pipe to drain, so the report is never queued whole in memory.
        for (const chunk of (await import('../../validator/formatters/text.ts')).textChunks(shown, { color: io.color })) {
          if (io.out(chunk) === false) await io.drained?.();
        }
        tm('written');
        setExit(exitCodeFor(report, opts.failOn));
        return;
      }
      let text = await format(shown, opts.format, io.color && !opts.output);
      // Quiet text is the findings alone: no summary line, nothing at all when the run passes.
      if (opts.quiet && opts.format === 'text') text = shown.findings.length ? text.replace(/\n*[^\n]*\n$/, '\n') : '';
      if (opts.output) {
        writeFileAtomic(opts.output, text, { what: 'the report' });
        if (opts.format !== 'text' && !opts.quiet) {
          const { summaryLine } = await import('../../validator/formatters/text.ts');
          io.err(`${summaryLine(report)}\n`);
        }
      } else io.out(text);
      tm('written');
      setExit(exitCodeFor(report, opts.failOn));
    });
}

async function format(report: import('../../validator/report.ts').Report, fmt: ValidateFlags['format'], color: boolean): Promise<string> {
  switch (fmt) {
    case 'json':
      return (await import('../../validator/formatters/json.ts')).formatJson(report);
    case 'sarif':
      return (await import('../../validator/formatters/sarif.ts')).formatSarif(report);
    case 'junit':
      return (await import('../../validator/formatters/junit.ts')).formatJunit(report);
    case 'tap':
      return (await import('../../validator/formatters/tap.ts')).formatTap(report);
    default:
      return (await import('../../validator/formatters/text.ts')).formatText(report, { color });
  }
}

/** --quiet: the report with only the findings that fail the run (text output then drops the summary). */
function quietReport(report: Report, failOn: Severity, rank: Record<Severity, number>): Report {
  return { ...report, findings: report.findings.filter((f) => !f.exemption && rank[f.severity] >= rank[failOn]) };
}
