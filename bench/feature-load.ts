/**
 * How long a feature file takes to load (issue 20: an upload pipeline that restarts waits for it),
 * as a whole: read, checked, tables built (format 1) or read and checked (format 2). Optionally
 * saves what it read to a second path (a format 1 file is written again as format 2).
 *
 *   node --max-old-space-size=4096 --import tsx bench/feature-load.ts FILE [SAVE_AS]
 *
 * Prints wall and CPU seconds (user, system: on a virtual machine, first touches of fresh memory
 * are much of it) and the process' RSS. Compare builds of the code with whole-process runs, paired.
 */
import { loadFeatureIndex, saveFeatureIndex } from '../src/node/feature-file.js';

const [file, saveAs] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/feature-load.ts FILE [SAVE_AS]');
const cpu = process.cpuUsage();
const started = performance.now();
const index = await loadFeatureIndex<string>(file);
const wall = (performance.now() - started) / 1000;
const { user, system } = process.cpuUsage(cpu);
const rss = process.memoryUsage().rss / 2 ** 30;
process.stdout.write(
  `load ${file}: ${wall.toFixed(1)} s wall, ${(user / 1e6).toFixed(1)} s user + ${(system / 1e6).toFixed(1)} s sys CPU, RSS ${rss.toFixed(2)} GiB, ${index.size} images, ${index.descriptorCount} descriptors, key bits ${index.keyBits}\n`,
);
if (saveAs) {
  const saving = performance.now();
  const { bytes } = await saveFeatureIndex(index, saveAs);
  process.stdout.write(
    `saved ${bytes} bytes to ${saveAs} in ${((performance.now() - saving) / 1000).toFixed(1)} s\n`,
  );
}
