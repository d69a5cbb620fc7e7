import type { Command } from '../command.js';
import algorithms from './algorithms.js';
import bench from './bench.js';
import demo from './demo.js';
import evalCommand from './eval.js';
import hash from './hash.js';
import indexBuild from './index-build.js';
import match from './match.js';
import video from './video.js';

/** Every sub-command, in the order `imprint --help` lists them. Add one line per new command. */
export const commands: readonly Command[] = [
  hash,
  match,
  indexBuild,
  algorithms,
  video,
  bench,
  evalCommand,
  demo,
];
