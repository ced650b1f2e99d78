import type { Command } from 'commander';
/** Commander argument parsers shared by the subcommands. */

/** A repeatable option: `-f a -f b` → `['a', 'b']`. */
export const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** A repeatable, comma-separated option: `--api-versions a,b --api-versions c` → `['a', 'b', 'c']`. */
export const collectCsv = (v: string, prev: string[]): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

/** The values a render uses, as helm spells them (plus --env); shared by validate, render and package. */
export interface ValuesFlags {
  values: string[];
  env: string[];
  set: string[];
  setString: string[];
  setFile: string[];
  setJson: string[];
}

export function addValuesOptions(cmd: Command, what = 'render'): Command {
  return cmd
    .option('-f, --values <file>', `values file (repeatable; merged in order like helm: later files win, maps merge key by key; - or a pipe is read once and handed to helm as read); default: one ${what} per environment`, collect, [] as string[])
    .option('--env <name>', `environment (repeatable): one ${what} each, with values.<name>.yaml before the -f files; default: staging and production`, collect, [] as string[])
    .option('--set <key=value>', 'set values like helm --set (repeatable; key.sub=v,list[0]=x)', collect, [] as string[])
    .option('--set-string <key=value>', 'like --set, every value a string (helm --set-string)', collect, [] as string[])
    .option('--set-file <key=path>', 'like --set, the value read from a file (helm --set-file)', collect, [] as string[])
    .option('--set-json <key=json>', 'like --set, every value JSON (helm --set-json)', collect, [] as string[]);
}

/** ValuesFlags → the validator's options. */
export function valuesOptions(flags: ValuesFlags): { valuesFiles: string[]; environments?: string[]; set: string[]; setString: string[]; setFile: string[]; setJson: string[] } {
  return { valuesFiles: flags.values, ...(flags.env.length ? { environments: flags.env } : {}), set: flags.set, setString: flags.setString, setFile: flags.setFile, setJson: flags.setJson };
}

/** How a chart is rendered (beside its values), as `nexus render` and `nexus images` take it. */
export interface ChartRenderFlags extends ValuesFlags {
  chart?: string;
  helm?: string;
  kubeVersion?: string;
  apiVersions: string[];
  releaseName: string;
  namespace: string;
}

export function addChartRenderOptions(cmd: Command, apiVersionsHelp = 'helm --api-versions (repeatable or comma-separated)'): Command {
  return addValuesOptions(cmd)
    .option('--chart <dir>', 'chart directory (default charts/nexus)')
    .option('--helm <path>', 'helm binary (default: $HELM_BIN, then the bundled helm 4.1.4)')
    .option('--kube-version <version>', 'helm --kube-version')
    .option('--api-versions <list>', apiVersionsHelp, collectCsv, [] as string[])
    .option('--release-name <name>', 'release name', 'nexus')
    .option('-n, --namespace <ns>', 'release namespace', 'nexus');
}

/** ChartRenderFlags → the options of the validator's renderOnly. */
export function chartRenderOptions(flags: ChartRenderFlags) {
  return {
    ...valuesOptions(flags),
    ...(flags.chart ? { chartDir: flags.chart } : {}),
    ...(flags.helm ? { helmPath: flags.helm } : {}),
    ...(flags.kubeVersion ? { kubeVersion: flags.kubeVersion } : {}),
    ...(flags.apiVersions.length ? { apiVersions: flags.apiVersions } : {}),
    releaseName: flags.releaseName,
    namespace: flags.namespace,
  };
}
