/**
 * `imprint/video`: video fingerprints compatible with Meta's vPDQ (Node only). Probing, decoding
 * and hashing videos with FFmpeg, plus the pure parts re-exported from the core (frame records,
 * the vPDQ file format, matching, the video index) so one import has everything.
 */
export * from '../video/index.js';
export * from './ffmpeg.js';
export * from './hash-video.js';
export * from './video-frames.js';
