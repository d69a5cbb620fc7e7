;; imprint PDQ pixel kernel: luma, the Jarosz box filters, decimation to 64x64, quality and the
;; 16x16 DCT block, bit for bit as src/algorithms/pdq-pixels.ts (the JS definition) computes them.
;;
;; Hand-written so the build needs no toolchain download; assembled by scripts/build-pdq-wasm.mjs
;; into pdq-bytes.ts. Exactness: every intermediate is an f32 produced by f32.add/sub/mul/div
;; (IEEE, correctly rounded) in the reference's order: no fused multiply-add, no reassociation,
;; no relaxed SIMD. SIMD lanes only ever hold independent sums (different rows or columns).
;;
;; How the image is streamed (the host copies a chunk of pixel rows in, calls `rows`, repeats):
;;   1. luma of 16 rows, transposed on the fly into `bandA`: the "band" layout, column x of the
;;      16 rows at band + 64x (rows 4q..4q+3 in the v128 at +16q), so a row filter runs 16 rows
;;      at once: four independent running sums per step hide the add/sub latency.
;;   2. first row pass bandA -> bandB, transposed back to row-major into a ring of rows.
;;   3. first column pass (4 columns per vector, running sums in `sums`) as soon as the rows it
;;      needs are in the ring; its output rows collect in `rband`, 16 at a time.
;;   4. every 16 column-pass rows: transposed to bandA, second row pass (sums only) into bandB;
;;      the 64 sampled columns are divided by their window count and kept in `narrow` (H x 64).
;;   `finish` runs the second column pass on `narrow` (64 columns; output only at the 64 sampled
;;   rows), then quality and the DCT. Memory per image is O(width * window + height), not
;;   O(width * height): the ring holds only the rows the column window still needs.
;;
;; Fixed addresses (bytes):
;;   0      D  16x64 f32, the DCT matrix (written by the host, so both paths share it)
;;   4096   Dt 64x16 f32, D transposed (written by the host)
;;   8192   A  64x64 f32, the decimated block
;;   24576  T  16x64 f32, D * A
;;   28672  B  16x16 f32, the DCT block (the result)
;;   29696  SC 64 i32, sampled columns      29952 CC 64 f32, their window counts along rows
;;   30208  SR 64 i32, sampled rows         30464 CR 64 f32, their window counts along columns
;;   30720  S2 64 f32, running sums of the last column pass
;;   30976  RW 16 i32, destination row addresses for $bandToRows
;;   32768  per-image buffers, laid out by `setup`
(module
  (memory (export "memory") 1 65536)

  (global $W (mut i32) (i32.const 0))
  (global $H (mut i32) (i32.const 0))
  (global $C (mut i32) (i32.const 0))
  ;; bytes per row of floats: width rounded up to 4 columns, times 4
  (global $stride (mut i32) (i32.const 0))
  ;; bytes per pixel row of the input
  (global $rowBytes (mut i32) (i32.const 0))
  ;; box windows and their `half` along rows (R) and columns (C)
  (global $wr (mut i32) (i32.const 0))
  (global $halfR (mut i32) (i32.const 0))
  (global $wc (mut i32) (i32.const 0))
  (global $halfC (mut i32) (i32.const 0))
  ;; 1 when the image is exactly 64x64 (no filtering: A is the luma)
  (global $small (mut i32) (i32.const 0))
  (global $pix (mut i32) (i32.const 0))
  (global $bandA (mut i32) (i32.const 0))
  (global $bandB (mut i32) (i32.const 0))
  (global $rband (mut i32) (i32.const 0))
  (global $sums (mut i32) (i32.const 0))
  (global $trash (mut i32) (i32.const 0))
  (global $ring (mut i32) (i32.const 0))
  (global $ringRows (mut i32) (i32.const 0))
  (global $narrow (mut i32) (i32.const 0))
  ;; first column pass: rows added before the first output, and the next output row
  (global $added (mut i32) (i32.const 0))
  (global $next (mut i32) (i32.const 0))
  ;; byte picks for the grey value of 4 pixels into the low byte of each i32 lane
  (global $idxR (mut v128) (v128.const i32x4 0 0 0 0))

  ;; Number of samples in the box window of output `x` (n samples, window w, half as in the
  ;; reference): indices max(0, x-w+half) .. min(n-1, x+half-1).
  (func $count (param $x i32) (param $n i32) (param $w i32) (param $half i32) (result f32)
    (local $hi i32) (local $lo i32)
    (local.set $hi (i32.add (local.get $x) (i32.sub (local.get $half) (i32.const 1))))
    (if (i32.gt_s (local.get $hi) (i32.sub (local.get $n) (i32.const 1)))
      (then (local.set $hi (i32.sub (local.get $n) (i32.const 1)))))
    (local.set $lo (i32.add (i32.sub (local.get $x) (local.get $w)) (local.get $half)))
    (if (i32.lt_s (local.get $lo) (i32.const 0)) (then (local.set $lo (i32.const 0))))
    (f32.convert_i32_s (i32.add (i32.sub (local.get $hi) (local.get $lo)) (i32.const 1))))

  (func $align16 (param $p i32) (result i32)
    (i32.and (i32.add (local.get $p) (i32.const 15)) (i32.const -16)))

  ;; Prepares an image of width x height x channels whose rows arrive in chunks of at most
  ;; `chunk` rows (a multiple of 16). Returns the bytes of memory needed; the host grows the
  ;; memory to that, then copies each chunk to `pixels()` and calls `rows`.
  (func (export "setup") (param $w i32) (param $h i32) (param $c i32) (param $chunk i32) (result i32)
    (local $p i32) (local $j i32) (local $x i32) (local $pos f64)
    (global.set $W (local.get $w))
    (global.set $H (local.get $h))
    (global.set $C (local.get $c))
    (global.set $stride (i32.shl (i32.and (i32.add (local.get $w) (i32.const 3)) (i32.const -4)) (i32.const 2)))
    (global.set $rowBytes (i32.mul (local.get $w) (local.get $c)))
    (global.set $wr (i32.div_u (i32.add (local.get $w) (i32.const 127)) (i32.const 128)))
    (global.set $halfR (i32.div_u (i32.add (global.get $wr) (i32.const 2)) (i32.const 2)))
    (global.set $wc (i32.div_u (i32.add (local.get $h) (i32.const 127)) (i32.const 128)))
    (global.set $halfC (i32.div_u (i32.add (global.get $wc) (i32.const 2)) (i32.const 2)))
    (global.set $small (i32.and (i32.eq (local.get $w) (i32.const 64)) (i32.eq (local.get $h) (i32.const 64))))
    (global.set $added (i32.const 0))
    (global.set $next (i32.const 0))

    (local.set $p (i32.const 32768))
    (global.set $pix (local.get $p))
    ;; 64 bytes of slack: vector loads at the end of a row read a little past it
    (local.set $p (call $align16 (i32.add (local.get $p)
      (i32.add (i32.mul (local.get $chunk) (global.get $rowBytes)) (i32.const 64)))))
    (global.set $bandA (local.get $p))
    (local.set $p (i32.add (local.get $p) (i32.shl (global.get $stride) (i32.const 4))))
    (global.set $bandB (local.get $p))
    (local.set $p (i32.add (local.get $p) (i32.shl (global.get $stride) (i32.const 4))))
    (global.set $rband (local.get $p))
    (local.set $p (i32.add (local.get $p) (i32.shl (global.get $stride) (i32.const 4))))
    (global.set $sums (local.get $p))
    (local.set $p (i32.add (local.get $p) (global.get $stride)))
    (global.set $trash (local.get $p))
    (local.set $p (i32.add (local.get $p) (global.get $stride)))
    ;; the column window spans wc+1 rows; a band of 16 more may arrive before the oldest leaves
    (global.set $ringRows (i32.add (global.get $wc) (i32.const 32)))
    (global.set $ring (local.get $p))
    (local.set $p (i32.add (local.get $p) (i32.mul (global.get $ringRows) (global.get $stride))))
    (global.set $narrow (local.get $p))
    (local.set $p (i32.add (local.get $p)
      (i32.shl (i32.and (i32.add (local.get $h) (i32.const 15)) (i32.const -16)) (i32.const 8))))

    ;; sampled positions trunc((j + 0.5) * n / 64), in double as the reference computes them
    (loop $samples
      (local.set $pos (f64.add (f64.convert_i32_u (local.get $j)) (f64.const 0.5)))
      (local.set $x (i32.trunc_f64_s
        (f64.div (f64.mul (local.get $pos) (f64.convert_i32_u (local.get $w))) (f64.const 64))))
      (i32.store offset=29696 (i32.shl (local.get $j) (i32.const 2)) (local.get $x))
      (f32.store offset=29952 (i32.shl (local.get $j) (i32.const 2))
        (call $count (local.get $x) (local.get $w) (global.get $wr) (global.get $halfR)))
      (local.set $x (i32.trunc_f64_s
        (f64.div (f64.mul (local.get $pos) (f64.convert_i32_u (local.get $h))) (f64.const 64))))
      (i32.store offset=30208 (i32.shl (local.get $j) (i32.const 2)) (local.get $x))
      (f32.store offset=30464 (i32.shl (local.get $j) (i32.const 2))
        (call $count (local.get $x) (local.get $h) (global.get $wc) (global.get $halfC)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $samples (i32.lt_u (local.get $j) (i32.const 64))))

    ;; lane k picks byte k*C; 0x80 bytes pick zero
    (global.set $idxR (i32x4.add
      (v128.const i32x4 0x80808000 0x80808000 0x80808000 0x80808000)
      (i32x4.mul (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $c)))))
    (local.get $p))

  (func (export "pixels") (result i32) (global.get $pix))

  ;; Luma of rows $y .. $y+15 (rows at or past $y1 repeat row $y1-1; the chunk in `pix` starts at
  ;; row $y0) into band layout at bandA. RGB(A): f32(f32(f32(0.299f*R) + f32(0.587f*G)) +
  ;; f32(0.114f*B)); grey (1 or 2 channels): the grey value as is. Columns past the width are
  ;; garbage that nothing reads.
  (func $lumaBand (param $y i32) (param $y0 i32) (param $y1 i32)
    (local $q i32) (local $row i32) (local $o i32) (local $d i32) (local $step i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $ir v128)
    (local $a v128) (local $b v128) (local $c v128) (local $e v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $ir (global.get $idxR))
    (local.set $step (i32.shl (global.get $C) (i32.const 2)))
    (loop $quarters
      ;; rows 4q .. 4q+3 of the band
      (local.set $row (i32.add (local.get $y) (i32.shl (local.get $q) (i32.const 2))))
      (local.set $p0 (call $pixelRow (local.get $row) (local.get $y0) (local.get $y1)))
      (local.set $p1 (call $pixelRow (i32.add (local.get $row) (i32.const 1)) (local.get $y0) (local.get $y1)))
      (local.set $p2 (call $pixelRow (i32.add (local.get $row) (i32.const 2)) (local.get $y0) (local.get $y1)))
      (local.set $p3 (call $pixelRow (i32.add (local.get $row) (i32.const 3)) (local.get $y0) (local.get $y1)))
      (local.set $d (i32.add (global.get $bandA) (i32.shl (local.get $q) (i32.const 4))))
      (local.set $o (i32.const 0))
      ;; constant byte picks for RGB and RGBA (a single pshufb each); grey picks at run time
      (if (i32.eq (global.get $C) (i32.const 3))
        (then
          (loop $cols
            (local.set $a (v128.load (local.get $p0)))
            (local.set $a (f32x4.add
              (f32x4.add
                (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $a) (v128.const i8x16 0 128 128 128 3 128 128 128 6 128 128 128 9 128 128 128)))
                  (v128.const f32x4 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2))
                (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $a) (v128.const i8x16 1 128 128 128 4 128 128 128 7 128 128 128 10 128 128 128)))
                  (v128.const f32x4 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1)))
              (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $a) (v128.const i8x16 2 128 128 128 5 128 128 128 8 128 128 128 11 128 128 128)))
                (v128.const f32x4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4))))
            (local.set $b (v128.load (local.get $p1)))
            (local.set $b (f32x4.add
              (f32x4.add
                (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $b) (v128.const i8x16 0 128 128 128 3 128 128 128 6 128 128 128 9 128 128 128)))
                  (v128.const f32x4 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2))
                (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $b) (v128.const i8x16 1 128 128 128 4 128 128 128 7 128 128 128 10 128 128 128)))
                  (v128.const f32x4 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1)))
              (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $b) (v128.const i8x16 2 128 128 128 5 128 128 128 8 128 128 128 11 128 128 128)))
                (v128.const f32x4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4))))
            (local.set $c (v128.load (local.get $p2)))
            (local.set $c (f32x4.add
              (f32x4.add
                (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $c) (v128.const i8x16 0 128 128 128 3 128 128 128 6 128 128 128 9 128 128 128)))
                  (v128.const f32x4 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2))
                (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $c) (v128.const i8x16 1 128 128 128 4 128 128 128 7 128 128 128 10 128 128 128)))
                  (v128.const f32x4 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1)))
              (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $c) (v128.const i8x16 2 128 128 128 5 128 128 128 8 128 128 128 11 128 128 128)))
                (v128.const f32x4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4))))
            (local.set $e (v128.load (local.get $p3)))
            (local.set $e (f32x4.add
              (f32x4.add
                (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $e) (v128.const i8x16 0 128 128 128 3 128 128 128 6 128 128 128 9 128 128 128)))
                  (v128.const f32x4 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2))
                (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $e) (v128.const i8x16 1 128 128 128 4 128 128 128 7 128 128 128 10 128 128 128)))
                  (v128.const f32x4 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1)))
              (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $e) (v128.const i8x16 2 128 128 128 5 128 128 128 8 128 128 128 11 128 128 128)))
                (v128.const f32x4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4))))
            ;; 4x4 transpose: t0 = a0 b0 a1 b1, t1 = c0 e0 c1 e1, t2 = a2 b2 a3 b3, t3 = c2 e2 c3 e3
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
            (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c) (local.get $e)))
            (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c) (local.get $e)))
            (v128.store (local.get $d)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
            (v128.store offset=64 (local.get $d)
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
            (v128.store offset=128 (local.get $d)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
            (v128.store offset=192 (local.get $d)
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
            (local.set $p0 (i32.add (local.get $p0) (i32.const 12)))
            (local.set $p1 (i32.add (local.get $p1) (i32.const 12)))
            (local.set $p2 (i32.add (local.get $p2) (i32.const 12)))
            (local.set $p3 (i32.add (local.get $p3) (i32.const 12)))
            (local.set $d (i32.add (local.get $d) (i32.const 256)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br_if $cols (i32.lt_u (local.get $o) (global.get $stride)))))
        (else (if (i32.eq (global.get $C) (i32.const 4))
          (then
            (loop $cols
              (local.set $a (v128.load (local.get $p0)))
              (local.set $a (f32x4.add
                (f32x4.add
                  (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $a) (v128.const i8x16 0 128 128 128 4 128 128 128 8 128 128 128 12 128 128 128)))
                    (v128.const f32x4 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2))
                  (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $a) (v128.const i8x16 1 128 128 128 5 128 128 128 9 128 128 128 13 128 128 128)))
                    (v128.const f32x4 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1)))
                (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $a) (v128.const i8x16 2 128 128 128 6 128 128 128 10 128 128 128 14 128 128 128)))
                  (v128.const f32x4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4))))
              (local.set $b (v128.load (local.get $p1)))
              (local.set $b (f32x4.add
                (f32x4.add
                  (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $b) (v128.const i8x16 0 128 128 128 4 128 128 128 8 128 128 128 12 128 128 128)))
                    (v128.const f32x4 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2))
                  (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $b) (v128.const i8x16 1 128 128 128 5 128 128 128 9 128 128 128 13 128 128 128)))
                    (v128.const f32x4 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1)))
                (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $b) (v128.const i8x16 2 128 128 128 6 128 128 128 10 128 128 128 14 128 128 128)))
                  (v128.const f32x4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4))))
              (local.set $c (v128.load (local.get $p2)))
              (local.set $c (f32x4.add
                (f32x4.add
                  (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $c) (v128.const i8x16 0 128 128 128 4 128 128 128 8 128 128 128 12 128 128 128)))
                    (v128.const f32x4 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2))
                  (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $c) (v128.const i8x16 1 128 128 128 5 128 128 128 9 128 128 128 13 128 128 128)))
                    (v128.const f32x4 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1)))
                (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $c) (v128.const i8x16 2 128 128 128 6 128 128 128 10 128 128 128 14 128 128 128)))
                  (v128.const f32x4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4))))
              (local.set $e (v128.load (local.get $p3)))
              (local.set $e (f32x4.add
                (f32x4.add
                  (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $e) (v128.const i8x16 0 128 128 128 4 128 128 128 8 128 128 128 12 128 128 128)))
                    (v128.const f32x4 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2 0x1.322d0ep-2))
                  (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $e) (v128.const i8x16 1 128 128 128 5 128 128 128 9 128 128 128 13 128 128 128)))
                    (v128.const f32x4 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1 0x1.2c8b44p-1)))
                (f32x4.mul (f32x4.convert_i32x4_s (i8x16.swizzle (local.get $e) (v128.const i8x16 2 128 128 128 6 128 128 128 10 128 128 128 14 128 128 128)))
                  (v128.const f32x4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4 0x1.d2f1aap-4))))
              ;; 4x4 transpose: t0 = a0 b0 a1 b1, t1 = c0 e0 c1 e1, t2 = a2 b2 a3 b3, t3 = c2 e2 c3 e3
              (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
              (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c) (local.get $e)))
              (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
              (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c) (local.get $e)))
              (v128.store (local.get $d)
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
              (v128.store offset=64 (local.get $d)
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
              (v128.store offset=128 (local.get $d)
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
              (v128.store offset=192 (local.get $d)
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
              (local.set $p0 (i32.add (local.get $p0) (i32.const 16)))
              (local.set $p1 (i32.add (local.get $p1) (i32.const 16)))
              (local.set $p2 (i32.add (local.get $p2) (i32.const 16)))
              (local.set $p3 (i32.add (local.get $p3) (i32.const 16)))
              (local.set $d (i32.add (local.get $d) (i32.const 256)))
              (local.set $o (i32.add (local.get $o) (i32.const 16)))
              (br_if $cols (i32.lt_u (local.get $o) (global.get $stride)))))
          (else
            (loop $cols
              (local.set $a (f32x4.convert_i32x4_s (i8x16.swizzle (v128.load (local.get $p0)) (local.get $ir))))
              (local.set $b (f32x4.convert_i32x4_s (i8x16.swizzle (v128.load (local.get $p1)) (local.get $ir))))
              (local.set $c (f32x4.convert_i32x4_s (i8x16.swizzle (v128.load (local.get $p2)) (local.get $ir))))
              (local.set $e (f32x4.convert_i32x4_s (i8x16.swizzle (v128.load (local.get $p3)) (local.get $ir))))
              (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
              (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c) (local.get $e)))
              (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
              (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c) (local.get $e)))
              (v128.store (local.get $d)
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
              (v128.store offset=64 (local.get $d)
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
              (v128.store offset=128 (local.get $d)
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
              (v128.store offset=192 (local.get $d)
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
              (local.set $p0 (i32.add (local.get $p0) (local.get $step)))
              (local.set $p1 (i32.add (local.get $p1) (local.get $step)))
              (local.set $p2 (i32.add (local.get $p2) (local.get $step)))
              (local.set $p3 (i32.add (local.get $p3) (local.get $step)))
              (local.set $d (i32.add (local.get $d) (i32.const 256)))
              (local.set $o (i32.add (local.get $o) (i32.const 16)))
              (br_if $cols (i32.lt_u (local.get $o) (global.get $stride))))))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $quarters (i32.lt_u (local.get $q) (i32.const 4)))))

  ;; Address of pixel row $row in the chunk that starts at row $y0 (rows at or past $y1: row $y1-1).
  (func $pixelRow (param $row i32) (param $y0 i32) (param $y1 i32) (result i32)
    (if (i32.ge_s (local.get $row) (local.get $y1)) (then (local.set $row (i32.sub (local.get $y1) (i32.const 1)))))
    (i32.add (global.get $pix) (i32.mul (i32.sub (local.get $row) (local.get $y0)) (global.get $rowBytes))))

  ;; 16 row-major rows (at $src, $src + stride, ...) into band layout at $dst.
  (func $rowsToBand (param $src i32) (param $dst i32)
    (local $q i32) (local $o i32) (local $d i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $a v128) (local $b v128) (local $c v128) (local $e v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (loop $quarters
      (local.set $s0 (i32.add (local.get $src) (i32.mul (i32.shl (local.get $q) (i32.const 2)) (global.get $stride))))
      (local.set $s1 (i32.add (local.get $s0) (global.get $stride)))
      (local.set $s2 (i32.add (local.get $s1) (global.get $stride)))
      (local.set $s3 (i32.add (local.get $s2) (global.get $stride)))
      (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $q) (i32.const 4))))
      (local.set $o (i32.const 0))
      (loop $cols
        (local.set $a (v128.load (i32.add (local.get $s0) (local.get $o))))
        (local.set $b (v128.load (i32.add (local.get $s1) (local.get $o))))
        (local.set $c (v128.load (i32.add (local.get $s2) (local.get $o))))
        (local.set $e (v128.load (i32.add (local.get $s3) (local.get $o))))
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
        (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c) (local.get $e)))
        (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c) (local.get $e)))
        (v128.store (local.get $d)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
        (v128.store offset=64 (local.get $d)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
        (v128.store offset=128 (local.get $d)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
        (v128.store offset=192 (local.get $d)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
        (local.set $d (i32.add (local.get $d) (i32.const 256)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br_if $cols (i32.lt_u (local.get $o) (global.get $stride))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $quarters (i32.lt_u (local.get $q) (i32.const 4)))))

  ;; Band layout at $src back to 16 row-major rows whose addresses are in RW (30976).
  (func $bandToRows (param $src i32)
    (local $q i32) (local $o i32) (local $s i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $a v128) (local $b v128) (local $c v128) (local $e v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (loop $quarters
      (local.set $s (i32.add (local.get $src) (i32.shl (local.get $q) (i32.const 4))))
      (local.set $r0 (i32.load offset=30976 (i32.shl (local.get $q) (i32.const 4))))
      (local.set $r1 (i32.load offset=30980 (i32.shl (local.get $q) (i32.const 4))))
      (local.set $r2 (i32.load offset=30984 (i32.shl (local.get $q) (i32.const 4))))
      (local.set $r3 (i32.load offset=30988 (i32.shl (local.get $q) (i32.const 4))))
      (local.set $o (i32.const 0))
      (loop $cols
        ;; columns o/4 .. o/4+3 of 4 rows
        (local.set $a (v128.load (local.get $s)))
        (local.set $b (v128.load offset=64 (local.get $s)))
        (local.set $c (v128.load offset=128 (local.get $s)))
        (local.set $e (v128.load offset=192 (local.get $s)))
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
        (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c) (local.get $e)))
        (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c) (local.get $e)))
        (v128.store (i32.add (local.get $r0) (local.get $o))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
        (v128.store (i32.add (local.get $r1) (local.get $o))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
        (v128.store (i32.add (local.get $r2) (local.get $o))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
        (v128.store (i32.add (local.get $r3) (local.get $o))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
        (local.set $s (i32.add (local.get $s) (i32.const 256)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br_if $cols (i32.lt_u (local.get $o) (global.get $stride))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $quarters (i32.lt_u (local.get $q) (i32.const 4)))))

  ;; The reference's running box filter along the rows of a band (16 rows, four vectors per
  ;; step), $in -> $out: add the entering sample, subtract the leaving one, divide by the current
  ;; count. With $divide = 0 the running sums are stored undivided (the caller divides the few it
  ;; keeps).
  (func $rowPass (param $in i32) (param $out i32) (param $divide i32)
    (local $rp i32) (local $lp i32) (local $op i32) (local $end i32) (local $count i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $cv v128)
    (local.set $rp (local.get $in))
    (local.set $lp (local.get $in))
    (local.set $op (local.get $out))
    ;; phase 1: half-1 entering samples, no output
    (local.set $count (i32.sub (global.get $halfR) (i32.const 1)))
    (local.set $end (i32.add (local.get $rp) (i32.shl (local.get $count) (i32.const 6))))
    (block $done (loop $step
      (br_if $done (i32.ge_u (local.get $rp) (local.get $end)))
      (local.set $s0 (f32x4.add (local.get $s0) (v128.load (local.get $rp))))
      (local.set $s1 (f32x4.add (local.get $s1) (v128.load offset=16 (local.get $rp))))
      (local.set $s2 (f32x4.add (local.get $s2) (v128.load offset=32 (local.get $rp))))
      (local.set $s3 (f32x4.add (local.get $s3) (v128.load offset=48 (local.get $rp))))
      (local.set $rp (i32.add (local.get $rp) (i32.const 64)))
      (br $step)))
    ;; phase 2: w-half+1 steps that only add, the count growing
    (local.set $end (i32.add (local.get $rp)
      (i32.shl (i32.add (i32.sub (global.get $wr) (global.get $halfR)) (i32.const 1)) (i32.const 6))))
    (block $done (loop $step
      (br_if $done (i32.ge_u (local.get $rp) (local.get $end)))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (local.set $s0 (f32x4.add (local.get $s0) (v128.load (local.get $rp))))
      (local.set $s1 (f32x4.add (local.get $s1) (v128.load offset=16 (local.get $rp))))
      (local.set $s2 (f32x4.add (local.get $s2) (v128.load offset=32 (local.get $rp))))
      (local.set $s3 (f32x4.add (local.get $s3) (v128.load offset=48 (local.get $rp))))
      (if (local.get $divide)
        (then
          (local.set $cv (f32x4.splat (f32.convert_i32_s (local.get $count))))
          (v128.store (local.get $op) (f32x4.div (local.get $s0) (local.get $cv)))
          (v128.store offset=16 (local.get $op) (f32x4.div (local.get $s1) (local.get $cv)))
          (v128.store offset=32 (local.get $op) (f32x4.div (local.get $s2) (local.get $cv)))
          (v128.store offset=48 (local.get $op) (f32x4.div (local.get $s3) (local.get $cv))))
        (else
          (v128.store (local.get $op) (local.get $s0))
          (v128.store offset=16 (local.get $op) (local.get $s1))
          (v128.store offset=32 (local.get $op) (local.get $s2))
          (v128.store offset=48 (local.get $op) (local.get $s3))))
      (local.set $rp (i32.add (local.get $rp) (i32.const 64)))
      (local.set $op (i32.add (local.get $op) (i32.const 64)))
      (br $step)))
    ;; phase 3: n-w steps that add then subtract, the count fixed at w
    (local.set $end (i32.add (local.get $in) (i32.shl (global.get $W) (i32.const 6))))
    (local.set $cv (f32x4.splat (f32.convert_i32_s (local.get $count))))
    (if (local.get $divide)
      (then
        (block $done (loop $step
          (br_if $done (i32.ge_u (local.get $rp) (local.get $end)))
          (local.set $s0 (f32x4.sub (f32x4.add (local.get $s0) (v128.load (local.get $rp))) (v128.load (local.get $lp))))
          (local.set $s1 (f32x4.sub (f32x4.add (local.get $s1) (v128.load offset=16 (local.get $rp))) (v128.load offset=16 (local.get $lp))))
          (local.set $s2 (f32x4.sub (f32x4.add (local.get $s2) (v128.load offset=32 (local.get $rp))) (v128.load offset=32 (local.get $lp))))
          (local.set $s3 (f32x4.sub (f32x4.add (local.get $s3) (v128.load offset=48 (local.get $rp))) (v128.load offset=48 (local.get $lp))))
          (v128.store (local.get $op) (f32x4.div (local.get $s0) (local.get $cv)))
          (v128.store offset=16 (local.get $op) (f32x4.div (local.get $s1) (local.get $cv)))
          (v128.store offset=32 (local.get $op) (f32x4.div (local.get $s2) (local.get $cv)))
          (v128.store offset=48 (local.get $op) (f32x4.div (local.get $s3) (local.get $cv)))
          (local.set $rp (i32.add (local.get $rp) (i32.const 64)))
          (local.set $lp (i32.add (local.get $lp) (i32.const 64)))
          (local.set $op (i32.add (local.get $op) (i32.const 64)))
          (br $step))))
      (else
        (block $done (loop $step
          (br_if $done (i32.ge_u (local.get $rp) (local.get $end)))
          (local.set $s0 (f32x4.sub (f32x4.add (local.get $s0) (v128.load (local.get $rp))) (v128.load (local.get $lp))))
          (local.set $s1 (f32x4.sub (f32x4.add (local.get $s1) (v128.load offset=16 (local.get $rp))) (v128.load offset=16 (local.get $lp))))
          (local.set $s2 (f32x4.sub (f32x4.add (local.get $s2) (v128.load offset=32 (local.get $rp))) (v128.load offset=32 (local.get $lp))))
          (local.set $s3 (f32x4.sub (f32x4.add (local.get $s3) (v128.load offset=48 (local.get $rp))) (v128.load offset=48 (local.get $lp))))
          (v128.store (local.get $op) (local.get $s0))
          (v128.store offset=16 (local.get $op) (local.get $s1))
          (v128.store offset=32 (local.get $op) (local.get $s2))
          (v128.store offset=48 (local.get $op) (local.get $s3))
          (local.set $rp (i32.add (local.get $rp) (i32.const 64)))
          (local.set $lp (i32.add (local.get $lp) (i32.const 64)))
          (local.set $op (i32.add (local.get $op) (i32.const 64)))
          (br $step)))))
    ;; phase 4: half-1 steps that only subtract, the count shrinking
    (local.set $end (i32.add (local.get $lp) (i32.shl (i32.sub (global.get $halfR) (i32.const 1)) (i32.const 6))))
    (block $done (loop $step
      (br_if $done (i32.ge_u (local.get $lp) (local.get $end)))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (local.set $s0 (f32x4.sub (local.get $s0) (v128.load (local.get $lp))))
      (local.set $s1 (f32x4.sub (local.get $s1) (v128.load offset=16 (local.get $lp))))
      (local.set $s2 (f32x4.sub (local.get $s2) (v128.load offset=32 (local.get $lp))))
      (local.set $s3 (f32x4.sub (local.get $s3) (v128.load offset=48 (local.get $lp))))
      (if (local.get $divide)
        (then
          (local.set $cv (f32x4.splat (f32.convert_i32_s (local.get $count))))
          (v128.store (local.get $op) (f32x4.div (local.get $s0) (local.get $cv)))
          (v128.store offset=16 (local.get $op) (f32x4.div (local.get $s1) (local.get $cv)))
          (v128.store offset=32 (local.get $op) (f32x4.div (local.get $s2) (local.get $cv)))
          (v128.store offset=48 (local.get $op) (f32x4.div (local.get $s3) (local.get $cv))))
        (else
          (v128.store (local.get $op) (local.get $s0))
          (v128.store offset=16 (local.get $op) (local.get $s1))
          (v128.store offset=32 (local.get $op) (local.get $s2))
          (v128.store offset=48 (local.get $op) (local.get $s3))))
      (local.set $lp (i32.add (local.get $lp) (i32.const 64)))
      (local.set $op (i32.add (local.get $op) (i32.const 64)))
      (br $step))))

  ;; Where row $r of the first row pass lives in the ring (rows outside the image: the trash row).
  (func $ringRow (param $r i32) (result i32)
    (if (result i32) (i32.or (i32.lt_s (local.get $r) (i32.const 0)) (i32.ge_s (local.get $r) (global.get $H)))
      (then (global.get $trash))
      (else (i32.add (global.get $ring)
        (i32.mul (i32.rem_u (local.get $r) (global.get $ringRows)) (global.get $stride))))))

  ;; One step of the first column pass over all columns (4 per vector), sums kept at `sums`.
  ;; mode 0: add row $a, no output; 1: add $a; 2: add $a then subtract $b; 3: subtract $b.
  ;; Modes 1-3 write sums / $count to the row at $dst.
  (func $colStep (param $mode i32) (param $a i32) (param $b i32) (param $dst i32) (param $count f32)
    (local $o i32) (local $s i32) (local $cv v128) (local $v v128)
    (local.set $s (global.get $sums))
    (local.set $cv (f32x4.splat (local.get $count)))
    (block $m3 (block $m2 (block $m1 (block $m0
      (br_table $m0 $m1 $m2 $m3 (local.get $mode)))
      (loop $x
        (v128.store (i32.add (local.get $s) (local.get $o))
          (f32x4.add (v128.load (i32.add (local.get $s) (local.get $o))) (v128.load (i32.add (local.get $a) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br_if $x (i32.lt_u (local.get $o) (global.get $stride))))
      (return))
      (loop $x
        (local.set $v (f32x4.add (v128.load (i32.add (local.get $s) (local.get $o))) (v128.load (i32.add (local.get $a) (local.get $o)))))
        (v128.store (i32.add (local.get $s) (local.get $o)) (local.get $v))
        (v128.store (i32.add (local.get $dst) (local.get $o)) (f32x4.div (local.get $v) (local.get $cv)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br_if $x (i32.lt_u (local.get $o) (global.get $stride))))
      (return))
      (loop $x
        (local.set $v (f32x4.sub
          (f32x4.add (v128.load (i32.add (local.get $s) (local.get $o))) (v128.load (i32.add (local.get $a) (local.get $o))))
          (v128.load (i32.add (local.get $b) (local.get $o)))))
        (v128.store (i32.add (local.get $s) (local.get $o)) (local.get $v))
        (v128.store (i32.add (local.get $dst) (local.get $o)) (f32x4.div (local.get $v) (local.get $cv)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br_if $x (i32.lt_u (local.get $o) (global.get $stride))))
      (return))
    (loop $x
      (local.set $v (f32x4.sub (v128.load (i32.add (local.get $s) (local.get $o))) (v128.load (i32.add (local.get $b) (local.get $o)))))
      (v128.store (i32.add (local.get $s) (local.get $o)) (local.get $v))
      (v128.store (i32.add (local.get $dst) (local.get $o)) (f32x4.div (local.get $v) (local.get $cv)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br_if $x (i32.lt_u (local.get $o) (global.get $stride)))))

  ;; The 64 sampled columns of the second row pass's sums in bandB, divided by their window
  ;; counts, into rows $y0 .. $y0+15 of `narrow` (64 floats per row).
  (func $gather (param $y0 i32)
    (local $j i32) (local $q i32) (local $s i32) (local $d i32)
    (local $a v128) (local $b v128) (local $c v128) (local $e v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (loop $quarters
      (local.set $s (i32.add (global.get $bandB) (i32.shl (local.get $q) (i32.const 4))))
      (local.set $d (i32.add (global.get $narrow)
        (i32.shl (i32.add (local.get $y0) (i32.shl (local.get $q) (i32.const 2))) (i32.const 8))))
      (local.set $j (i32.const 0))
      (loop $cols
        ;; $j is the byte offset of sampled column j/4 in SC, CC and a row of `narrow`
        (local.set $a (f32x4.div
          (v128.load (i32.add (local.get $s) (i32.shl (i32.load offset=29696 (local.get $j)) (i32.const 6))))
          (f32x4.splat (f32.load offset=29952 (local.get $j)))))
        (local.set $b (f32x4.div
          (v128.load (i32.add (local.get $s) (i32.shl (i32.load offset=29700 (local.get $j)) (i32.const 6))))
          (f32x4.splat (f32.load offset=29956 (local.get $j)))))
        (local.set $c (f32x4.div
          (v128.load (i32.add (local.get $s) (i32.shl (i32.load offset=29704 (local.get $j)) (i32.const 6))))
          (f32x4.splat (f32.load offset=29960 (local.get $j)))))
        (local.set $e (f32x4.div
          (v128.load (i32.add (local.get $s) (i32.shl (i32.load offset=29708 (local.get $j)) (i32.const 6))))
          (f32x4.splat (f32.load offset=29964 (local.get $j)))))
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
        (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c) (local.get $e)))
        (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c) (local.get $e)))
        (v128.store (i32.add (local.get $d) (local.get $j))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
        (v128.store offset=256 (i32.add (local.get $d) (local.get $j))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
        (v128.store offset=512 (i32.add (local.get $d) (local.get $j))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
        (v128.store offset=768 (i32.add (local.get $d) (local.get $j))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $cols (i32.lt_u (local.get $j) (i32.const 256))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br_if $quarters (i32.lt_u (local.get $q) (i32.const 4)))))

  ;; Column-pass rows $y0 .. $y0+15 are in rband: second row pass on them, keep the sampled columns.
  (func $flush (param $y0 i32)
    (call $rowsToBand (global.get $rband) (global.get $bandA))
    (call $rowPass (global.get $bandA) (global.get $bandB) (i32.const 0))
    (call $gather (local.get $y0)))

  ;; Runs the first column pass as far as rows 0 .. $avail-1 of the first row pass allow.
  (func $advance (param $avail i32)
    (local $y i32) (local $ri i32) (local $li i32) (local $mode i32)
    ;; half-1 rows are added before the first output
    (block $done (loop $add
      (br_if $done (i32.ge_s (global.get $added) (i32.sub (global.get $halfC) (i32.const 1))))
      (if (i32.ge_s (global.get $added) (local.get $avail)) (then (return)))
      (call $colStep (i32.const 0) (call $ringRow (global.get $added)) (i32.const 0) (i32.const 0) (f32.const 0))
      (global.set $added (i32.add (global.get $added) (i32.const 1)))
      (br $add)))
    (block $done (loop $out
      (local.set $y (global.get $next))
      (br_if $done (i32.ge_s (local.get $y) (global.get $H)))
      (local.set $ri (i32.add (local.get $y) (i32.sub (global.get $halfC) (i32.const 1))))
      (local.set $li (i32.sub (local.get $ri) (global.get $wc)))
      (if (i32.lt_s (local.get $ri) (global.get $H))
        (then
          (br_if $done (i32.ge_s (local.get $ri) (local.get $avail)))
          (local.set $mode (select (i32.const 2) (i32.const 1) (i32.ge_s (local.get $li) (i32.const 0)))))
        (else (local.set $mode (i32.const 3))))
      (call $colStep (local.get $mode) (call $ringRow (local.get $ri)) (call $ringRow (local.get $li))
        (i32.add (global.get $rband) (i32.mul (i32.and (local.get $y) (i32.const 15)) (global.get $stride)))
        (call $count (local.get $y) (global.get $H) (global.get $wc) (global.get $halfC)))
      (if (i32.or
            (i32.eq (i32.and (local.get $y) (i32.const 15)) (i32.const 15))
            (i32.eq (local.get $y) (i32.sub (global.get $H) (i32.const 1))))
        (then (call $flush (i32.and (local.get $y) (i32.const -16)))))
      (global.set $next (i32.add (local.get $y) (i32.const 1)))
      (br $out))))

  ;; Processes pixel rows $y0 .. $y1-1, which the host copied to `pixels()` ($y0 a multiple of
  ;; 16; $y1 a multiple of 16 unless it is the height).
  (func (export "rows") (param $y0 i32) (param $y1 i32)
    (local $y i32) (local $r i32) (local $avail i32)
    (if (i32.eqz (local.get $y0)) (then (memory.fill (global.get $sums) (i32.const 0) (global.get $stride))))
    (local.set $y (local.get $y0))
    (loop $bands
      (call $lumaBand (local.get $y) (local.get $y0) (local.get $y1))
      (if (global.get $small)
        (then
          ;; 64x64: no filtering, the luma rows are the block A
          (local.set $r (i32.const 0))
          (loop $dest
            (i32.store offset=30976 (i32.shl (local.get $r) (i32.const 2))
              (i32.add (i32.const 8192) (i32.shl (i32.add (local.get $y) (local.get $r)) (i32.const 8))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br_if $dest (i32.lt_u (local.get $r) (i32.const 16))))
          (call $bandToRows (global.get $bandA)))
        (else
          (call $rowPass (global.get $bandA) (global.get $bandB) (i32.const 1))
          (local.set $r (i32.const 0))
          (loop $dest
            (i32.store offset=30976 (i32.shl (local.get $r) (i32.const 2))
              (call $ringRow (i32.add (local.get $y) (local.get $r))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br_if $dest (i32.lt_u (local.get $r) (i32.const 16))))
          (call $bandToRows (global.get $bandB))
          (local.set $avail (i32.add (local.get $y) (i32.const 16)))
          (if (i32.gt_s (local.get $avail) (global.get $H)) (then (local.set $avail (global.get $H))))
          (call $advance (local.get $avail))))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (br_if $bands (i32.lt_s (local.get $y) (local.get $y1)))))

  ;; After the last rows: the second column pass on the sampled columns (output only at the
  ;; sampled rows) into A, then the DCT into B. Returns the quality.
  (func (export "finish") (result i32)
    (local $i i32) (local $y i32) (local $ri i32) (local $li i32) (local $v i32)
    (local $s v128) (local $cv v128)
    (if (i32.eqz (global.get $small))
      (then
        (memory.fill (i32.const 30720) (i32.const 0) (i32.const 256))
        ;; half-1 rows before the first output
        (block $done (loop $add
          (br_if $done (i32.ge_s (local.get $y) (i32.sub (global.get $halfC) (i32.const 1))))
          (local.set $v (i32.const 0))
          (loop $vec
            (v128.store offset=30720 (local.get $v) (f32x4.add (v128.load offset=30720 (local.get $v))
              (v128.load (i32.add (global.get $narrow) (i32.add (i32.shl (local.get $y) (i32.const 8)) (local.get $v))))))
            (local.set $v (i32.add (local.get $v) (i32.const 16)))
            (br_if $vec (i32.lt_u (local.get $v) (i32.const 256))))
          (local.set $y (i32.add (local.get $y) (i32.const 1)))
          (br $add)))
        ;; $y is now the next output row
        (local.set $y (i32.const 0))
        (loop $sampled
          (block $reached (loop $step
            (br_if $reached (i32.gt_s (local.get $y) (i32.load offset=30208 (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $ri (i32.add (local.get $y) (i32.sub (global.get $halfC) (i32.const 1))))
            (local.set $li (i32.sub (local.get $ri) (global.get $wc)))
            (local.set $v (i32.const 0))
            (loop $vec
              (local.set $s (v128.load offset=30720 (local.get $v)))
              (if (i32.lt_s (local.get $ri) (global.get $H))
                (then (local.set $s (f32x4.add (local.get $s)
                  (v128.load (i32.add (global.get $narrow) (i32.add (i32.shl (local.get $ri) (i32.const 8)) (local.get $v))))))))
              (if (i32.ge_s (local.get $li) (i32.const 0))
                (then (local.set $s (f32x4.sub (local.get $s)
                  (v128.load (i32.add (global.get $narrow) (i32.add (i32.shl (local.get $li) (i32.const 8)) (local.get $v))))))))
              (v128.store offset=30720 (local.get $v) (local.get $s))
              (local.set $v (i32.add (local.get $v) (i32.const 16)))
              (br_if $vec (i32.lt_u (local.get $v) (i32.const 256))))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $step)))
          (local.set $cv (f32x4.splat (f32.load offset=30464 (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $v (i32.const 0))
          (loop $vec
            (v128.store offset=8192 (i32.add (i32.shl (local.get $i) (i32.const 8)) (local.get $v))
              (f32x4.div (v128.load offset=30720 (local.get $v)) (local.get $cv)))
            (local.set $v (i32.add (local.get $v) (i32.const 16)))
            (br_if $vec (i32.lt_u (local.get $v) (i32.const 256))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $sampled (i32.lt_u (local.get $i) (i32.const 64))))))
    (call $dct)
    (call $quality))

  ;; sum over vertically and horizontally adjacent pairs of |trunc(((u - v) * 100) / 255)|,
  ;; / 90, at most 100
  (func $quality (result i32)
    (local $i i32) (local $j i32) (local $p i32) (local $g i32) (local $t i32)
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $p (i32.add (i32.shl (local.get $i) (i32.const 8)) (i32.shl (local.get $j) (i32.const 2))))
        (if (i32.lt_u (local.get $i) (i32.const 63))
          (then
            (local.set $t (i32.trunc_sat_f32_s (f32.div (f32.mul
              (f32.sub (f32.load offset=8192 (local.get $p)) (f32.load offset=8448 (local.get $p)))
              (f32.const 100)) (f32.const 255))))
            (local.set $g (i32.add (local.get $g) (select (local.get $t) (i32.sub (i32.const 0) (local.get $t))
              (i32.ge_s (local.get $t) (i32.const 0)))))))
        (if (i32.lt_u (local.get $j) (i32.const 63))
          (then
            (local.set $t (i32.trunc_sat_f32_s (f32.div (f32.mul
              (f32.sub (f32.load offset=8192 (local.get $p)) (f32.load offset=8196 (local.get $p)))
              (f32.const 100)) (f32.const 255))))
            (local.set $g (i32.add (local.get $g) (select (local.get $t) (i32.sub (i32.const 0) (local.get $t))
              (i32.ge_s (local.get $t) (i32.const 0)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (i32.const 64))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (i32.const 64))))
    (local.set $g (i32.div_u (local.get $g) (i32.const 90)))
    (select (i32.const 100) (local.get $g) (i32.gt_u (local.get $g) (i32.const 100))))

  ;; T = D A (16x64), B = T D^T (16x16); every sum starts at +0 and runs k = 0..63 ascending.
  (func $dct
    (local $i i32) (local $k i32) (local $v i32) (local $row i32) (local $d v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (memory.fill (i32.const 24576) (i32.const 0) (i32.const 4096))
    (loop $rows
      (local.set $row (i32.add (i32.const 24576) (i32.shl (local.get $i) (i32.const 8))))
      (local.set $k (i32.const 0))
      (loop $ks
        (local.set $d (f32x4.splat (f32.load (i32.shl (i32.add (i32.shl (local.get $i) (i32.const 6)) (local.get $k)) (i32.const 2)))))
        (local.set $v (i32.const 0))
        (loop $vec
          (v128.store (i32.add (local.get $row) (local.get $v))
            (f32x4.add (v128.load (i32.add (local.get $row) (local.get $v)))
              (f32x4.mul (local.get $d)
                (v128.load offset=8192 (i32.add (i32.shl (local.get $k) (i32.const 8)) (local.get $v))))))
          (local.set $v (i32.add (local.get $v) (i32.const 16)))
          (br_if $vec (i32.lt_u (local.get $v) (i32.const 256))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $ks (i32.lt_u (local.get $k) (i32.const 64))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (i32.const 16))))
    (local.set $i (i32.const 0))
    (loop $rows
      (local.set $row (i32.add (i32.const 24576) (i32.shl (local.get $i) (i32.const 8))))
      (local.set $b0 (v128.const i32x4 0 0 0 0))
      (local.set $b1 (v128.const i32x4 0 0 0 0))
      (local.set $b2 (v128.const i32x4 0 0 0 0))
      (local.set $b3 (v128.const i32x4 0 0 0 0))
      (local.set $k (i32.const 0))
      (loop $ks
        ;; $k is a byte offset here: T[i][k] and row k of Dt
        (local.set $d (f32x4.splat (f32.load (i32.add (local.get $row) (local.get $k)))))
        (local.set $v (i32.shl (local.get $k) (i32.const 4)))
        (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $d) (v128.load offset=4096 (local.get $v)))))
        (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $d) (v128.load offset=4112 (local.get $v)))))
        (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $d) (v128.load offset=4128 (local.get $v)))))
        (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $d) (v128.load offset=4144 (local.get $v)))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br_if $ks (i32.lt_u (local.get $k) (i32.const 256))))
      (local.set $v (i32.add (i32.const 28672) (i32.shl (local.get $i) (i32.const 6))))
      (v128.store (local.get $v) (local.get $b0))
      (v128.store offset=16 (local.get $v) (local.get $b1))
      (v128.store offset=32 (local.get $v) (local.get $b2))
      (v128.store offset=48 (local.get $v) (local.get $b3))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (i32.const 16)))))
)
