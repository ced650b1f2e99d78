/**
 * Reusable leaf types. They mirror Helm's view of YAML (integers for counts and ports, strings for
 * image tags, int-or-string where Kubernetes accepts both) so the Zod model and values.schema.json agree.
 */
import { z } from 'zod';

/** Kubernetes resource quantity: `250m`, `1.5`, `512Mi`, `1e3`, or a bare number. */
export const QUANTITY_PATTERN = '^[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$';

export const quantity = () =>
  z.union([
    z.string().regex(new RegExp(QUANTITY_PATTERN), { error: 'must be a Kubernetes quantity such as `250m`, `1`, `512Mi` or `2Gi`' }),
    z.number().nonnegative(),
  ]);

export const port = () => z.number({ error: 'must be an integer port number' }).int().min(1).max(65535);

export const intOrString = () => z.union([z.number().int(), z.string().min(1)]);

export const percentage = () => z.number().int().min(1).max(100);

/** Image tags are strings in Helm: an unquoted `2.0` arrives as a number. */
export const imageTag = () =>
  z.string({
    error: (issue) =>
      issue.input === undefined ? 'an image tag is required' : `image tags must be strings; quote it: tag: "${String(issue.input)}"`,
  });

export const stringMap = () => z.record(z.string(), z.string());

/** Free-form Kubernetes fragments (tolerations, affinity, env entries): open by design. */
export const openObject = () => z.record(z.string(), z.unknown());

/** A name that Kubernetes accepts for a Secret/ConfigMap (DNS subdomain). Empty means "not set". */
export const resourceName = () =>
  z.string().regex(/^$|^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be a lowercase DNS name such as `nexus-db-credentials`' }).max(253);

/** A duration as Prometheus and AlertManager write it: `30s`, `5m`, `15d`, `1h30m`. */
export const promDuration = () =>
  z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, { error: 'must be a duration such as `30s`, `5m` or `15d`' });

/** Five-field cron expression (or a @macro). */
export const cronSchedule = () =>
  z
    .string()
    .regex(/^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4}\S+)$/, {
      error: 'must be a cron schedule with five fields, e.g. `0 2 * * *`',
    });
