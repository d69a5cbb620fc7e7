/**
 * Start-up benchmark: a whole `imprint` process (the built CLI) against Node's own start-up
 * (`node -e 0`), measured in the same run, interleaved (A B C A B C ...) so that load from other
 * processes hits them alike. Prints median wall ms, the median of per-round wall ratios to
 * `node -e 0`, and CPU ms per run (children's user + system time from /proc on Linux; elsewhere
 * not measured). Needs `npm run build` first. Not part of `npm test`.
 *
 *   npm run bench:startup -- [--runs 15] [--image fixtures/photos/coffee.jpg] [--summary-json <file>]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Figure, writeSummary } from './summary.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');

/** Children's CPU ms so far (user + system of every reaped child), or null off Linux. */
function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat (cutime, cstime), counted after the ")" that ends field 2.
    const ticks = Number(fields[13]) + Number(fields[14]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

export function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '15' },
      image: { type: 'string', default: join(root, 'fixtures', 'photos', 'coffee.jpg') },
      'summary-json': { type: 'string' },
    },
  });
  if (!existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const runs = Number(values.runs);
  const commands: { name: string; args: string[] }[] = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'imprint --version', args: [cli, '--version'] },
    { name: 'imprint hash <one image>', args: [cli, 'hash', values.image] },
  ];
  const wall = commands.map(() => [] as number[]);
  const cpu = commands.map(() => 0);
  let cpuKnown = childrenCpuMs() !== null;
  for (let r = -1; r < runs; r++) {
    for (const [i, c] of commands.entries()) {
      const cpu0 = childrenCpuMs();
      const t0 = performance.now();
      const child = spawnSync(process.execPath, c.args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      const ms = performance.now() - t0;
      const cpu1 = childrenCpuMs();
      if (child.status !== 0) throw new Error(`${c.name} failed: ${child.stderr.toString()}`);
      if (r < 0) continue; // warm-up: file cache
      wall[i]!.push(ms);
      if (cpu0 === null || cpu1 === null) cpuKnown = false;
      else cpu[i]! += cpu1 - cpu0;
    }
  }
  const base = wall[0]!;
  const figures: Figure[] = [];
  const lines = [
    `Start-up, whole processes (${runs} interleaved runs each, after a warm-up; Node ${process.version}):`,
    'command                   wall ms  x node -e 0  CPU ms  x node -e 0',
  ];
  for (const [i, c] of commands.entries()) {
    const ratio = median(wall[i]!.map((w, k) => w / base[k]!));
    const cpuMs = cpu[i]! / runs;
    const cpuRatio = cpu[0]! > 0 ? cpu[i]! / cpu[0]! : Number.NaN;
    if (i > 0) {
      const id = `startup.${c.args.includes('--version') ? 'version' : 'hash'}`;
      figures.push({
        id: `${id}.wall`,
        label: `${c.name}, wall ms per process`,
        value: median(wall[i]!),
        unit: 'ms',
        baseline: { label: 'node -e 0', value: median(base) },
        ratio,
        note: 'ratio: median of per-round ratios',
      });
      if (cpuKnown)
        figures.push({
          id: `${id}.cpu`,
          label: `${c.name}, CPU ms per process`,
          value: cpuMs,
          unit: 'ms',
          baseline: { label: 'node -e 0', value: cpu[0]! / runs },
          ratio: cpuRatio,
        });
    }
    lines.push(
      [
        c.name.padEnd(24),
        median(wall[i]!).toFixed(0).padStart(7),
        `${ratio.toFixed(2)}x`.padStart(12),
        cpuKnown ? cpuMs.toFixed(0).padStart(7) : '      -',
        cpuKnown ? `${cpuRatio.toFixed(2)}x`.padStart(12) : '  not measured',
      ].join('  '),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  writeSummary(values['summary-json'], 'startup', argv, figures);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
