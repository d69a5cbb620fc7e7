import { listAlgorithms } from '../../algorithms/registry.js';
import { parseCommandArgs } from '../args.js';
import { type CliIo, type Command, UsageError } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { writeLine } from '../output.js';

const help = `Usage: imprint algorithms [--json]

Lists the hash algorithms 'imprint hash --algo' and 'imprint match --algo' know: name, bits,
default match distance, whether it hashes pixels (perceptual) or file bytes (exact), and what it
reproduces. With --json, one object per algorithm: {"name","bits","defaultThreshold","kind",
"description"}.`;

/** `imprint algorithms`. */
const algorithmsCommand: Command = {
  name: 'algorithms',
  summary: 'list the hash algorithms (names for --algo)',
  help,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } } as const);
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const all = listAlgorithms();
    if (values.json) {
      for (const a of all) {
        const { name, bits, defaultThreshold, kind, description } = a;
        await writeLine(io.stdout, JSON.stringify({ name, bits, defaultThreshold, kind, description }));
      }
      return EXIT.OK;
    }
    const width = Math.max(...all.map((a) => a.name.length));
    await writeLine(io.stdout, `${'name'.padEnd(width)}  bits  distance  kind        description`);
    for (const a of all) {
      await writeLine(
        io.stdout,
        `${a.name.padEnd(width)}  ${String(a.bits).padStart(4)}  ${String(a.defaultThreshold).padStart(8)}  ${a.kind.padEnd(10)}  ${a.description}`,
      );
    }
    return EXIT.OK;
  },
};

export default algorithmsCommand;
