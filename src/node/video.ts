/**
 * Video fingerprints with FFmpeg (Node only): probe, decode and hash videos the way vPDQ does.
 * The pure parts (frame records, the vPDQ file format, matching, the video index) are in the core.
 */
export * from './ffmpeg.js';
export * from './hash-video.js';
export * from './video-frames.js';
