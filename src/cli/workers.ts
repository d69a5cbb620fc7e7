import { availableParallelism } from 'node:os';
import { configureWorkers } from '../sharp/worker-pool.js';
import { intOption } from './args.js';

/** The `--workers <n>` flag every image command takes. */
export const WORKERS_HELP: string = `  --workers <n>          threads that decode and hash (default: one per core, ${availableParallelism()} here;
                         0 = all in the main thread)`;

/** Applies `--workers <n>`: that many worker threads, or 0 for the main thread. */
export function workersOption(value: string | undefined): void {
  if (value === undefined) return;
  const n = intOption(value, '--workers', 0);
  configureWorkers(n === 0 ? false : { size: n });
}
