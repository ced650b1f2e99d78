/**
 * The files `nexus docs` generates, rendered from the policy metadata. Kept apart from the command's
 * registration so that only `nexus docs` (and tests) load the policies.
 */
import { dirname, join } from 'node:path';
import { policyConfigJsonSchema } from '../../policies/config.ts';
import { renderPolicyDocs } from '../../policies/docs.ts';
import { POLICIES } from '../../policies/index.ts';
import { renderApiRuleDocs } from '../../validator/api/docs.ts';
import { API_RULES } from '../../validator/api/rules.ts';

const POLICY_CONFIG_SCHEMA_NAME = 'nexus-policy.schema.json';

/** The generated files: the reference and, in the same folder, the JSON Schema of `.nexus-policy.yaml`. */
export function policyDocFiles(docsFile: string): Array<{ path: string; text: string }> {
  return [
    { path: docsFile, text: renderPolicyDocs(POLICIES) },
    { path: join(dirname(docsFile), POLICY_CONFIG_SCHEMA_NAME), text: `${JSON.stringify(policyConfigJsonSchema(POLICIES.map((p) => p.meta.id)), null, 2)}\n` },
    { path: join(dirname(docsFile), 'api-validation.md'), text: renderApiRuleDocs(API_RULES) },
  ];
}

export const POLICY_COUNT = POLICIES.length;
