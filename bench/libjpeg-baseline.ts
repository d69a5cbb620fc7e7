/**
 * The C baseline of `npm run bench:hash`: libjpeg-turbo called directly, compiled here at
 * benchmark time from the source below (nothing of it is shipped). It decodes the same JPEG
 * files, held in memory, to full-resolution RGB rows the way a C hasher would, and reports wall
 * and CPU milliseconds per image. When no C compiler or libjpeg headers are at hand (Debian:
 * `apt-get install gcc libjpeg62-turbo-dev`) the benchmark says so and goes on without it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SOURCE = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
#include <jpeglib.h>

static double ms(clockid_t id) { struct timespec t; clock_gettime(id, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }

/* decode MIN_MS FILE...: decodes every file (read into memory first) to RGB, over and over for at
   least MIN_MS; prints wall ms per image, CPU ms per image, images decoded and minor page
   faults per image. MIN_MS 0: one
   untimed pass that also prints an FNV-1a hash of the pixels (to check that libvips' decoder
   gives the same pixels). */
int main(int argc, char **argv) {
  if (argc < 3) return 2;
  double min_ms = atof(argv[1]);
  int n = argc - 2;
  unsigned char **buf = malloc(n * sizeof *buf);
  unsigned long *len = malloc(n * sizeof *len);
  for (int i = 0; i < n; i++) {
    FILE *f = fopen(argv[i + 2], "rb");
    if (!f) return 3;
    fseek(f, 0, SEEK_END); len[i] = ftell(f); rewind(f);
    buf[i] = malloc(len[i]);
    if (fread(buf[i], 1, len[i], f) != len[i]) return 3;
    fclose(f);
  }
  struct jpeg_decompress_struct c; struct jpeg_error_mgr e;
  c.err = jpeg_std_error(&e); jpeg_create_decompress(&c);
  unsigned long long fnv = 0xcbf29ce484222325ULL;
  long count = 0;
  struct rusage ru0, ru1; getrusage(RUSAGE_SELF, &ru0);
  double wall0 = ms(CLOCK_MONOTONIC), cpu0 = ms(CLOCK_PROCESS_CPUTIME_ID);
  do {
    for (int i = 0; i < n; i++) {
      jpeg_mem_src(&c, buf[i], len[i]);
      jpeg_read_header(&c, TRUE);
      if (c.num_components == 3) c.out_color_space = JCS_RGB;
      jpeg_start_decompress(&c);
      size_t stride = (size_t)c.output_width * c.output_components;
      unsigned char *px = malloc(stride * c.output_height);
      while (c.output_scanline < c.output_height) {
        unsigned char *row = px + stride * c.output_scanline;
        jpeg_read_scanlines(&c, &row, 1);
      }
      jpeg_finish_decompress(&c);
      if (min_ms <= 0) for (size_t k = 0; k < stride * c.output_height; k++) fnv = (fnv ^ px[k]) * 0x100000001b3ULL;
      free(px);
      count++;
    }
  } while (min_ms > 0 && ms(CLOCK_MONOTONIC) - wall0 < min_ms);
  double wall = (ms(CLOCK_MONOTONIC) - wall0) / count, cpu = (ms(CLOCK_PROCESS_CPUTIME_ID) - cpu0) / count;
  getrusage(RUSAGE_SELF, &ru1);
  printf("%.4f %.4f %ld %016llx %.1f\n", wall, cpu, count, fnv, (double)(ru1.ru_minflt - ru0.ru_minflt) / count);
  return 0;
}
`;

/** One run of the C decoder over the files. */
export interface CDecodeRun {
  /** Wall milliseconds per image. */
  readonly wallMs: number;
  /** CPU milliseconds per image. */
  readonly cpuMs: number;
  readonly images: number;
  /** With minMs 0 (one untimed pass): FNV-1a 64 of the pixels, in file order, as hex. */
  readonly pixelsFnv: string;
  /** Minor page faults per image. */
  readonly faults: number;
}

/** The compiled baseline, or why there is none. */
export type CBaseline =
  | { readonly run: (minMs: number) => Promise<CDecodeRun> }
  | { readonly skipped: string };

/** Compiles the C decoder (`cc -O2 ... -ljpeg`) for these files. Never throws: a failure is a reason to skip. */
export function buildCBaseline(files: readonly string[]): CBaseline {
  const dir = mkdtempSync(join(tmpdir(), 'imprint-libjpeg-'));
  const source = join(dir, 'decode.c');
  const binary = join(dir, 'decode');
  writeFileSync(source, SOURCE);
  const compiler = process.env.CC ?? 'cc';
  try {
    execFileSync(compiler, ['-O2', '-o', binary, source, '-ljpeg'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const detail = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message)
      .split('\n')
      .find((l) => l.trim().length > 0);
    return {
      skipped: `could not compile the libjpeg-turbo baseline with ${compiler} (${detail ?? 'no output'}); on Debian: apt-get install gcc libjpeg62-turbo-dev`,
    };
  }
  const exec = promisify(execFile);
  return {
    run: async (minMs) => {
      const { stdout } = await exec(binary, [String(Math.max(0, minMs)), ...files]);
      const [wall, cpu, count, fnv, faults] = stdout.trim().split(/\s+/);
      return {
        wallMs: Number(wall),
        cpuMs: Number(cpu),
        images: Number(count),
        pixelsFnv: fnv!,
        faults: Number(faults),
      };
    },
  };
}

/** FNV-1a 64 over several pixel buffers in order, as the C baseline computes it (hex). */
export function fnv1a64(buffers: readonly Uint8Array[]): string {
  // The 64-bit state as two 32-bit halves: x * 0x100000001b3 = x * 0x1b3 + (x << 40) mod 2^64.
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const b of buffers) {
    for (let i = 0; i < b.length; i++) {
      lo = (lo ^ b[i]!) >>> 0;
      const low = lo * 0x1b3; // < 2^41: exact
      const carry = Math.floor(low / 0x100000000);
      hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
      lo = low >>> 0;
    }
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
