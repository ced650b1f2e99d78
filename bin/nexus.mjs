#!/usr/bin/env node
// The one user-facing bin. It loads the TypeScript CLI through tsx so that users run the sources they see.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
