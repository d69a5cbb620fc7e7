/**
 * `npm run bench -- [suite...] [options]`: runs each benchmark suite (`bench/<suite>.ts`) in its
 * own process with the options given. Default suites: `match`, and `hash` when present.
 *
 *   npm run bench -- match --sizes 1e5,1e6 --bits 256
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const named = args.filter((a, i) => !a.startsWith('-') && (i === 0 || !args[i - 1]!.startsWith('--')));
const options = args.filter((a) => !named.includes(a));
const suites =
  named.length > 0
    ? named
    : ['match', 'hash'].filter((s) => existsSync(new URL(`./${s}.ts`, import.meta.url)));
for (const suite of suites) {
  const file = new URL(`./${suite}.ts`, import.meta.url).pathname;
  if (!existsSync(file)) {
    process.stderr.write(`no benchmark suite ${file}\n`);
    process.exit(2);
  }
  process.stderr.write(`== bench/${suite}.ts ${options.join(' ')}\n`);
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', file, ...options], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
