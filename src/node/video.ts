/**
 * `imprint/video`: video fingerprints compatible with Meta's vPDQ (Node only). Probing, decoding
 * and hashing videos with FFmpeg, plus the pure parts re-exported from the core (frame records,
 * the vPDQ file format, matching, the video index) so one import has everything.
 */

export type { VideoFrameHash } from '../video/frame-hash.js';
export {
  compareVideos,
  type VideoCompareOptions,
  type VideoMatchScore,
  type VideoMatchThresholds,
  VPDQ_MAX_DISTANCE,
  VPDQ_MIN_COMPARED_MATCH_PERCENT,
  VPDQ_MIN_QUALITY,
  VPDQ_MIN_QUERY_MATCH_PERCENT,
  videoMatchScore,
} from '../video/match.js';
export {
  VideoIndex,
  type VideoIndexMatch,
  type VideoIndexOptions,
  type VideoQueryOptions,
} from '../video/video-index.js';
export {
  formatVpdq,
  formatVpdqJson,
  parseVpdq,
  parseVpdqJson,
  type VpdqParseOptions,
} from '../video/vpdq-format.js';
export { type FfmpegOptions, probeVideo, type VideoProbe } from './ffmpeg.js';
export { hashVideo, hashVideoFrames, type VideoHashOptions } from './hash-video.js';
export {
  DEFAULT_MAX_FRAME_PIXELS,
  DEFAULT_MAX_VIDEO_SECONDS,
  readVideoFrames,
  type VideoFrame,
  type VideoFrameOptions,
} from './video-frames.js';
