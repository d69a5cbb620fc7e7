import { type CliIo, type Command, UsageError } from '../command.js';
import { benchHashHelp, runBenchHash } from './bench-hash.js';
import { benchMatchHelp, runBenchMatch } from './bench-match.js';

/** The benchmarks anyone can run on their own machine; add one entry per `bench-<name>.ts`. */
const benchmarks: Record<string, { help: string; run: (args: string[], io: CliIo) => Promise<number> }> = {
  hash: { help: benchHashHelp, run: runBenchHash },
  match: { help: benchMatchHelp, run: runBenchMatch },
};

const help = `Usage: imprint bench <${Object.keys(benchmarks).join('|')}> [options] ...

Measures speed on this machine; figures go to stdout, progress to stderr.

${Object.values(benchmarks)
  .map((b) => b.help)
  .join('\n\n')}`;

/** `imprint bench <name>`. */
const benchCommand: Command = {
  name: 'bench',
  summary: 'measure hashing and matching speed on this machine',
  help,
  async run(args: string[], io: CliIo): Promise<number> {
    const [name, ...rest] = args;
    const benchmark = name === undefined ? undefined : benchmarks[name];
    if (!benchmark) {
      throw new UsageError(
        name === undefined
          ? `missing benchmark: ${Object.keys(benchmarks).join(' or ')}`
          : `unknown benchmark "${name}"`,
      );
    }
    return benchmark.run(rest, io);
  },
};

export default benchCommand;
