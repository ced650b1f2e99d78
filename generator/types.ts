/** A file the generator produces, relative to the output root (`charts/`). */
export interface OutputFile {
  path: string;
  content: string;
}

/** Hand-written chart sources under generator/templates/<chart>/, keyed by path inside the chart. */
export type TemplateSources = Record<string, Record<string, string>>;
