/**
 * `npm run bench`: the benchmark suites, each `bench/<suite>.ts` in its own process.
 *
 *   npm run bench                          every default suite (match, hash) with its defaults
 *   npm run bench -- match --sizes 1e5,1e6 one suite with its options
 *   npm run bench -- --sizes 1e5,1e6       options without a suite name go to the match suite
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const first = args[0];
const named = first !== undefined && !first.startsWith('-');
const suites = named
  ? [first]
  : args.length > 0
    ? ['match']
    : ['match', 'hash'].filter((s) => existsSync(new URL(`./${s}.ts`, import.meta.url)));
const options = named ? args.slice(1) : args;
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
