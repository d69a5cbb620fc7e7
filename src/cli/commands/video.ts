import { type CliIo, type Command, UsageError } from '../command.js';
import { runVideoHash, runVideoMatch, videoHashHelp, videoMatchHelp } from '../video.js';

const help = `Usage: imprint video <hash|match> [options] ...

Video fingerprints compatible with Meta's vPDQ (needs FFmpeg 5.1 or newer).

  imprint video hash [options] <video>...            vPDQ hash lines for videos
  imprint video match --list <known> [options] <video|hashes>...
                                                     uploads against known videos

'imprint hash --video' and 'imprint match --video' are aliases.

${videoHashHelp}

${videoMatchHelp}`;

/** `imprint video hash|match`. */
const videoCommand: Command = {
  name: 'video',
  summary: 'vPDQ video fingerprints: hash videos, match uploads against known videos',
  help,
  async run(args: string[], io: CliIo): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === 'hash') return runVideoHash(rest, io);
    if (sub === 'match') return runVideoMatch(rest, io);
    throw new UsageError(
      sub === undefined ? 'missing sub-command: hash or match' : `unknown sub-command "${sub}"`,
    );
  },
};

export default videoCommand;
