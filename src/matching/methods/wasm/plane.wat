;; imprint luma-plane kernel: the luma plane of an image in 1/256ths of a level, the histogram of
;; its whole levels, and the block sums of the frame-finding copy, in one pass over the pixels,
;; exactly as lumaPlaneAndCopy (src/matching/methods/pdq-views.ts) computes them in JS: integer arithmetic
;; only, so every value is the same.
;;
;; Assembled by scripts/build-plane-wasm.mjs into plane-bytes.ts. The host copies a chunk of pixel
;; rows in (a whole number of blocks of rows), calls `rows`, copies the luma rows out, and turns the
;; block sums into the copy's pixels at the end of each row of blocks.
;;
;; Memory (bytes): 0: the histogram, 4 tables of 256 i32 (pixel x counts in table x & 3, so
;; successive increments do not wait on each other); 4096: the block sums, 3 i32 per block of a
;; row of blocks (1 for grey); then the pixel rows and the luma rows, where the host puts them.
(module
  (memory (export "memory") 1 65536)

  ;; $n rows of $w pixels of $stride bytes at $pix; luma (u16) to $luma; block sums of $f pixels
  ;; added to those at 4096; $colours 3 (luma from RGB) or 1 (grey: the first byte of each pixel).
  (func (export "rows")
    (param $pix i32) (param $luma i32) (param $w i32) (param $n i32)
    (param $stride i32) (param $colours i32) (param $f i32)
    (loop $row
      (if (i32.gt_s (local.get $n) (i32.const 0))
        (then
          (if (i32.eq (local.get $colours) (i32.const 3))
            (then (call $rgbRow (local.get $pix) (local.get $luma) (local.get $w) (local.get $stride) (local.get $f)))
            (else (call $greyRow (local.get $pix) (local.get $luma) (local.get $w) (local.get $stride) (local.get $f))))
          (local.set $pix (i32.add (local.get $pix) (i32.mul (local.get $w) (local.get $stride))))
          (local.set $luma (i32.add (local.get $luma) (i32.shl (local.get $w) (i32.const 1))))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $row)))))

  ;; One row of RGB pixels: luma (PDQ's weights in 16-bit fixed point, >> 8), and R, G, B summed
  ;; over each block of $f pixels into the block's 3 sums.
  (func $rgbRow (param $pix i32) (param $luma i32) (param $w i32) (param $stride i32) (param $f i32)
    (local $x i32) (local $end i32) (local $acc i32)
    (local $r i32) (local $g i32) (local $b i32) (local $l i32)
    (local $sa i32) (local $sb i32) (local $sc i32) (local $h i32)
    (local.set $acc (i32.const 4096))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $x) (local.get $w)))
        (local.set $end (i32.add (local.get $x) (local.get $f)))
        (if (i32.gt_u (local.get $end) (local.get $w)) (then (local.set $end (local.get $w))))
        (local.set $sa (i32.const 0))
        (local.set $sb (i32.const 0))
        (local.set $sc (i32.const 0))
        (loop $px
          (local.set $r (i32.load8_u (local.get $pix)))
          (local.set $g (i32.load8_u offset=1 (local.get $pix)))
          (local.set $b (i32.load8_u offset=2 (local.get $pix)))
          (local.set $l
            (i32.shr_u
              (i32.add
                (i32.add
                  (i32.add
                    (i32.mul (local.get $r) (i32.const 19595))
                    (i32.mul (local.get $g) (i32.const 38470)))
                  (i32.mul (local.get $b) (i32.const 7471)))
                (i32.const 128))
              (i32.const 8)))
          (i32.store16 (local.get $luma) (local.get $l))
          (local.set $h
            (i32.add
              (i32.shl (i32.and (local.get $x) (i32.const 3)) (i32.const 10))
              (i32.shl (i32.shr_u (i32.add (local.get $l) (i32.const 128)) (i32.const 8)) (i32.const 2))))
          (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
          (local.set $sa (i32.add (local.get $sa) (local.get $r)))
          (local.set $sb (i32.add (local.get $sb) (local.get $g)))
          (local.set $sc (i32.add (local.get $sc) (local.get $b)))
          (local.set $pix (i32.add (local.get $pix) (local.get $stride)))
          (local.set $luma (i32.add (local.get $luma) (i32.const 2)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br_if $px (i32.lt_u (local.get $x) (local.get $end))))
        (i32.store (local.get $acc) (i32.add (i32.load (local.get $acc)) (local.get $sa)))
        (i32.store offset=4 (local.get $acc) (i32.add (i32.load offset=4 (local.get $acc)) (local.get $sb)))
        (i32.store offset=8 (local.get $acc) (i32.add (i32.load offset=8 (local.get $acc)) (local.get $sc)))
        (local.set $acc (i32.add (local.get $acc) (i32.const 12)))
        (br $block))))

  ;; One row of grey pixels (the first byte of each): luma = level x 256, one sum per block.
  (func $greyRow (param $pix i32) (param $luma i32) (param $w i32) (param $stride i32) (param $f i32)
    (local $x i32) (local $end i32) (local $acc i32) (local $v i32) (local $l i32) (local $sa i32) (local $h i32)
    (local.set $acc (i32.const 4096))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $x) (local.get $w)))
        (local.set $end (i32.add (local.get $x) (local.get $f)))
        (if (i32.gt_u (local.get $end) (local.get $w)) (then (local.set $end (local.get $w))))
        (local.set $sa (i32.const 0))
        (loop $px
          (local.set $v (i32.load8_u (local.get $pix)))
          (local.set $l (i32.shl (local.get $v) (i32.const 8)))
          (i32.store16 (local.get $luma) (local.get $l))
          (local.set $h
            (i32.add
              (i32.shl (i32.and (local.get $x) (i32.const 3)) (i32.const 10))
              (i32.shl (i32.shr_u (i32.add (local.get $l) (i32.const 128)) (i32.const 8)) (i32.const 2))))
          (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
          (local.set $sa (i32.add (local.get $sa) (local.get $v)))
          (local.set $pix (i32.add (local.get $pix) (local.get $stride)))
          (local.set $luma (i32.add (local.get $luma) (i32.const 2)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br_if $px (i32.lt_u (local.get $x) (local.get $end))))
        (i32.store (local.get $acc) (i32.add (i32.load (local.get $acc)) (local.get $sa)))
        (local.set $acc (i32.add (local.get $acc) (i32.const 4)))
        (br $block))))
  ;; The row of blocks just summed ($width blocks of $rows x $f pixels, the last ones cut at $w) as
  ;; the copy's pixels at $out ($colours bytes each), each sum / area rounded as Math.round rounds
  ;; (roundLevel, raster.ts: the same f64 division and rounding); the sums are zeroed for the next.
  (func (export "blocks")
    (param $out i32) (param $width i32) (param $w i32) (param $colours i32) (param $rows i32) (param $f i32)
    (local $ox i32) (local $c i32) (local $at i32) (local $area f64) (local $v f64) (local $r i32) (local $end i32)
    (local.set $at (i32.const 4096))
    (block $done
      (loop $block
        (br_if $done (i32.ge_s (local.get $ox) (local.get $width)))
        (local.set $end (i32.mul (i32.add (local.get $ox) (i32.const 1)) (local.get $f)))
        (if (i32.gt_s (local.get $end) (local.get $w)) (then (local.set $end (local.get $w))))
        (local.set $area
          (f64.convert_i32_s
            (i32.mul (local.get $rows) (i32.sub (local.get $end) (i32.mul (local.get $ox) (local.get $f))))))
        (local.set $c (i32.const 0))
        (loop $colour
          (local.set $v (f64.div (f64.convert_i32_u (i32.load (local.get $at))) (local.get $area)))
          (local.set $r (i32.trunc_f64_s (f64.add (local.get $v) (f64.const 0.5))))
          (if (f64.gt (f64.sub (f64.convert_i32_s (local.get $r)) (f64.const 0.5)) (local.get $v))
            (then (local.set $r (i32.sub (local.get $r) (i32.const 1)))))
          (i32.store8 (local.get $out) (local.get $r))
          (i32.store (local.get $at) (i32.const 0))
          (local.set $at (i32.add (local.get $at) (i32.const 4)))
          (local.set $out (i32.add (local.get $out) (i32.const 1)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $colour (i32.lt_s (local.get $c) (local.get $colours))))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $block))))

  ;; A view's 64x64 block (f64, row-major, at $block) from rows filtered by `reduce` ($reduced, 64
  ;; f64 per row, the first being plane row $top) and the view's 64 row taps ($starts, $lengths,
  ;; $offsets: i32; $weights: f64), as blockOf (../pdq-views.ts) makes it: the same f64 operations
  ;; in the same order (each output summed over its taps in turn, from 0).
  (func (export "block")
    (param $reduced i32) (param $top i32) (param $starts i32) (param $lengths i32) (param $offsets i32)
    (param $weights i32) (param $block i32)
    (local $i i32) (local $t i32) (local $n i32) (local $w f64) (local $from i32) (local $out i32) (local $j i32)
    (memory.fill (local.get $block) (i32.const 0) (i32.const 32768))
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.ge_s (local.get $i) (i32.const 64)))
        (local.set $out (i32.add (local.get $block) (i32.shl (local.get $i) (i32.const 9))))
        (local.set $n (i32.load (i32.add (local.get $lengths) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $t (i32.const 0))
        (block $tapsDone
          (loop $eachTap
            (br_if $tapsDone (i32.ge_s (local.get $t) (local.get $n)))
            (local.set $w
              (f64.load
                (i32.add (local.get $weights)
                  (i32.shl
                    (i32.add (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $i) (i32.const 2)))) (local.get $t))
                    (i32.const 3)))))
            (local.set $from
              (i32.add (local.get $reduced)
                (i32.shl
                  (i32.sub
                    (i32.add (i32.load (i32.add (local.get $starts) (i32.shl (local.get $i) (i32.const 2)))) (local.get $t))
                    (local.get $top))
                  (i32.const 9))))
            (local.set $j (i32.const 0))
            (loop $eachColumn
              (f64.store (i32.add (local.get $out) (local.get $j))
                (f64.add (f64.load (i32.add (local.get $out) (local.get $j)))
                  (f64.mul (local.get $w) (f64.load (i32.add (local.get $from) (local.get $j))))))
              (local.set $j (i32.add (local.get $j) (i32.const 8)))
              (br_if $eachColumn (i32.lt_s (local.get $j) (i32.const 512))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $eachTap)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $eachRow))))

  ;; D x block x D^T for PDQ's 16 x 64 DCT matrix ($dct, f64), as blockDct (../pdq-views.ts)
  ;; computes it: $half (16 x 64 f64) = D x block summed over k in turn, then each of the 256 outputs
  ;; summed over k in turn from 0 and rounded to f32 at $out (row-major).
  (func (export "dct") (param $block i32) (param $dct i32) (param $half i32) (param $out i32)
    (local $i i32) (local $k i32) (local $j i32) (local $d f64) (local $row i32) (local $h i32) (local $sum f64)
    (memory.fill (local.get $half) (i32.const 0) (i32.const 8192))
    (loop $eachI
      (local.set $h (i32.add (local.get $half) (i32.shl (local.get $i) (i32.const 9))))
      (local.set $k (i32.const 0))
      (loop $eachK
        (local.set $d
          (f64.load (i32.add (local.get $dct) (i32.shl (i32.add (i32.shl (local.get $i) (i32.const 6)) (local.get $k)) (i32.const 3)))))
        (local.set $row (i32.add (local.get $block) (i32.shl (local.get $k) (i32.const 9))))
        (local.set $j (i32.const 0))
        (loop $eachJ
          (f64.store (i32.add (local.get $h) (local.get $j))
            (f64.add (f64.load (i32.add (local.get $h) (local.get $j)))
              (f64.mul (local.get $d) (f64.load (i32.add (local.get $row) (local.get $j))))))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (br_if $eachJ (i32.lt_s (local.get $j) (i32.const 512))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $eachK (i32.lt_s (local.get $k) (i32.const 64))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $eachI (i32.lt_s (local.get $i) (i32.const 16))))
    (local.set $i (i32.const 0))
    (loop $outI
      (local.set $j (i32.const 0))
      (loop $outJ
        (local.set $sum (f64.const 0))
        (local.set $k (i32.const 0))
        (loop $sumK
          (local.set $sum
            (f64.add (local.get $sum)
              (f64.mul
                (f64.load (i32.add (local.get $half) (i32.shl (i32.add (i32.shl (local.get $i) (i32.const 6)) (local.get $k)) (i32.const 3))))
                (f64.load (i32.add (local.get $dct) (i32.shl (i32.add (i32.shl (local.get $j) (i32.const 6)) (local.get $k)) (i32.const 3)))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $sumK (i32.lt_s (local.get $k) (i32.const 64))))
        (f32.store
          (i32.add (local.get $out) (i32.shl (i32.add (i32.shl (local.get $i) (i32.const 4)) (local.get $j)) (i32.const 2)))
          (f32.demote_f64 (local.get $sum)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $outJ (i32.lt_s (local.get $j) (i32.const 16))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outI (i32.lt_s (local.get $i) (i32.const 16)))))

  ;; One row of greyImage's blocks (../pdq-views.ts): $n plane rows of $w (u16 at $rows) summed over
  ;; blocks of $f columns, each sum / (pixels x 256) rounded as Math.round rounds and capped at 255,
  ;; into $width bytes at $out (the same f64 division and rounding as the JS).
  (func (export "grey")
    (param $rows i32) (param $w i32) (param $n i32) (param $f i32) (param $width i32) (param $out i32)
    (local $ox i32) (local $x0 i32) (local $x1 i32) (local $y i32) (local $p i32) (local $end i32)
    (local $sum i64) (local $v f64) (local $r i32)
    (block $done
      (loop $block
        (br_if $done (i32.ge_s (local.get $ox) (local.get $width)))
        (local.set $x0 (i32.mul (local.get $ox) (local.get $f)))
        (local.set $x1 (i32.add (local.get $x0) (local.get $f)))
        (if (i32.gt_s (local.get $x1) (local.get $w)) (then (local.set $x1 (local.get $w))))
        (local.set $sum (i64.const 0))
        (local.set $y (i32.const 0))
        (loop $row
          (local.set $p
            (i32.add (local.get $rows)
              (i32.shl (i32.add (i32.mul (local.get $y) (local.get $w)) (local.get $x0)) (i32.const 1))))
          (local.set $end (i32.add (local.get $p) (i32.shl (i32.sub (local.get $x1) (local.get $x0)) (i32.const 1))))
          (loop $px
            (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (i32.load16_u (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (i32.const 2)))
            (br_if $px (i32.lt_u (local.get $p) (local.get $end))))
          (local.set $y (i32.add (local.get $y) (i32.const 1)))
          (br_if $row (i32.lt_s (local.get $y) (local.get $n))))
        (local.set $v
          (f64.div (f64.convert_i64_u (local.get $sum))
            (f64.mul
              (f64.convert_i32_s (i32.mul (local.get $n) (i32.sub (local.get $x1) (local.get $x0))))
              (f64.const 256))))
        (local.set $r (i32.trunc_f64_s (f64.add (local.get $v) (f64.const 0.5))))
        (if (f64.gt (f64.sub (f64.convert_i32_s (local.get $r)) (f64.const 0.5)) (local.get $v))
          (then (local.set $r (i32.sub (local.get $r) (i32.const 1)))))
        (if (i32.gt_s (local.get $r) (i32.const 255)) (then (local.set $r (i32.const 255))))
        (i32.store8 (i32.add (local.get $out) (local.get $ox)) (local.get $r))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $block))))

  ;; A grey image ($w x $h at $src) turned as rotateWindow turns one (raster.ts, rotateGrey): the
  ;; centred $width x $height window, the source position stepped along each row by (cos, -sin),
  ;; bilinear, Math.round, $fill outside. The same f64 operations in the same order as the JS.
  (func (export "turn")
    (param $src i32) (param $w i32) (param $h i32) (param $dst i32) (param $width i32) (param $height i32)
    (param $cos f64) (param $sin f64) (param $fill i32)
    (local $y i32) (local $x i32) (local $sx f64) (local $sy f64) (local $dy f64) (local $dx0 f64)
    (local $x0 i32) (local $y0 i32) (local $fx f64) (local $fy f64) (local $x1 i32) (local $row0 i32) (local $row1 i32)
    (local $a i32) (local $b i32) (local $d i32) (local $e i32) (local $top f64) (local $lower f64) (local $v f64)
    (local $r i32) (local $maxX f64) (local $maxY f64)
    (local.set $maxX (f64.sub (f64.convert_i32_s (local.get $w)) (f64.const 0.5)))
    (local.set $maxY (f64.sub (f64.convert_i32_s (local.get $h)) (f64.const 0.5)))
    (local.set $dx0 (f64.sub (f64.const 0.5) (f64.div (f64.convert_i32_s (local.get $width)) (f64.const 2))))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_s (local.get $y) (local.get $height)))
        (local.set $dy
          (f64.sub
            (f64.add (f64.convert_i32_s (local.get $y)) (f64.const 0.5))
            (f64.div (f64.convert_i32_s (local.get $height)) (f64.const 2))))
        (local.set $sx
          (f64.sub
            (f64.add
              (f64.add (f64.mul (local.get $cos) (local.get $dx0)) (f64.mul (local.get $sin) (local.get $dy)))
              (f64.div (f64.convert_i32_s (local.get $w)) (f64.const 2)))
            (f64.const 0.5)))
        (local.set $sy
          (f64.sub
            (f64.add
              (f64.add (f64.mul (f64.neg (local.get $sin)) (local.get $dx0)) (f64.mul (local.get $cos) (local.get $dy)))
              (f64.div (f64.convert_i32_s (local.get $h)) (f64.const 2)))
            (f64.const 0.5)))
        (local.set $x (i32.const 0))
        (block $pxDone
          (loop $px
            (br_if $pxDone (i32.ge_s (local.get $x) (local.get $width)))
            (if (i32.or
                  (i32.or (f64.lt (local.get $sx) (f64.const -0.5)) (f64.lt (local.get $sy) (f64.const -0.5)))
                  (i32.or (f64.gt (local.get $sx) (local.get $maxX)) (f64.gt (local.get $sy) (local.get $maxY))))
              (then (i32.store8 (local.get $dst) (local.get $fill)))
              (else
                (local.set $x0 (i32.const 0))
                (local.set $fx (f64.const 0))
                (if (f64.ge (local.get $sx) (f64.const 0))
                  (then
                    (local.set $x0 (i32.trunc_f64_s (local.get $sx)))
                    (if (i32.lt_s (local.get $x0) (i32.sub (local.get $w) (i32.const 1)))
                      (then (local.set $fx (f64.sub (local.get $sx) (f64.convert_i32_s (local.get $x0))))))))
                (local.set $y0 (i32.const 0))
                (local.set $fy (f64.const 0))
                (if (f64.ge (local.get $sy) (f64.const 0))
                  (then
                    (local.set $y0 (i32.trunc_f64_s (local.get $sy)))
                    (if (i32.lt_s (local.get $y0) (i32.sub (local.get $h) (i32.const 1)))
                      (then (local.set $fy (f64.sub (local.get $sy) (f64.convert_i32_s (local.get $y0))))))))
                (local.set $x1
                  (select (i32.add (local.get $x0) (i32.const 1)) (local.get $x0)
                    (i32.lt_s (local.get $x0) (i32.sub (local.get $w) (i32.const 1)))))
                (local.set $row0 (i32.add (local.get $src) (i32.mul (local.get $y0) (local.get $w))))
                (local.set $row1
                  (select (i32.add (local.get $row0) (local.get $w)) (local.get $row0)
                    (i32.lt_s (local.get $y0) (i32.sub (local.get $h) (i32.const 1)))))
                (local.set $a (i32.load8_u (i32.add (local.get $row0) (local.get $x0))))
                (local.set $b (i32.load8_u (i32.add (local.get $row0) (local.get $x1))))
                (local.set $d (i32.load8_u (i32.add (local.get $row1) (local.get $x0))))
                (local.set $e (i32.load8_u (i32.add (local.get $row1) (local.get $x1))))
                (local.set $top
                  (f64.add (f64.convert_i32_s (local.get $a))
                    (f64.mul (f64.convert_i32_s (i32.sub (local.get $b) (local.get $a))) (local.get $fx))))
                (local.set $lower
                  (f64.add (f64.convert_i32_s (local.get $d))
                    (f64.mul (f64.convert_i32_s (i32.sub (local.get $e) (local.get $d))) (local.get $fx))))
                (local.set $v
                  (f64.add (local.get $top) (f64.mul (f64.sub (local.get $lower) (local.get $top)) (local.get $fy))))
                ;; Math.round: (v + 0.5) truncated, one less when v + 0.5 was rounded up to it
                (local.set $r (i32.trunc_f64_s (f64.add (local.get $v) (f64.const 0.5))))
                (if (f64.gt (f64.sub (f64.convert_i32_s (local.get $r)) (f64.const 0.5)) (local.get $v))
                  (then (local.set $r (i32.sub (local.get $r) (i32.const 1)))))
                (i32.store8 (local.get $dst) (local.get $r))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
            (local.set $sx (f64.add (local.get $sx) (local.get $cos)))
            (local.set $sy (f64.sub (local.get $sy) (local.get $sin)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $px)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $row))))
  ;; $n plane rows (u16 luma x 256, $w each, at $rows) filtered by sets of 64 column taps, as
  ;; reduceRowsIntoJs (../pdq-views.ts) filters them. A set may read the plane flattened (whole
  ;; levels, those above the ceiling lowered to $flat = ceiling x 256), as the JS does with a
  ;; ceiling below 255; the other sets read it as it is. Each row's sums of prefix sums (whole
  ;; numbers below 2^53, so each converts exactly to the f64 the JS holds): $w + 2 i64 at $q for
  ;; the sets reading the plane as it is (made when $needQ), at $qf for the flattened ones (when
  ;; $needQf), both in one pass over the row when both are needed.
  ;; A set (32 bytes at $sets + 32 s): i32 pointers to starts, lengths, offsets, weights (f64) and
  ;; tents (0: none), then 1 when it reads the plane flattened (i32 at +20), its tent scale (f64)
  ;; at +24. Row y of set s: 64 f64 at $out + (s $n + y) 512. The same f64 operations in the same
  ;; order as the JS.
  (func (export "reduce")
    (param $rows i32) (param $w i32) (param $n i32) (param $flat i32)
    (param $q i32) (param $needQ i32) (param $qf i32) (param $needQf i32)
    (param $sets i32) (param $nsets i32) (param $out i32)
    (local $y i32) (local $row i32) (local $x i32) (local $sum i32) (local $sums i64) (local $v i32)
    (local $s i32) (local $d i32) (local $offsets i32) (local $weights i32) (local $tents i32)
    (local $scale f64) (local $o i32) (local $j i32) (local $t i32)
    (local $k i32) (local $end i32) (local $at i32) (local $acc f64)
    (local $pq i32) (local $pp i32) (local $pend i32)
    (local $sumf i32) (local $sumsf i64) (local $pqf i32) (local $flatten i32) (local $qs i32)
    (local $both i32) (local $qshift i32)
    (local.set $both (i32.and (local.get $needQ) (local.get $needQf)))
    (local.set $qshift (i32.add (i32.const 3) (local.get $both)))
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.ge_s (local.get $y) (local.get $n)))
        (local.set $row (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $y) (local.get $w)) (i32.const 1))))
        (if (i32.and (i32.or (local.get $needQ) (local.get $needQf)) (i32.gt_s (local.get $w) (i32.const 0)))
          (then
            ;; q[x + 1] = q[x] + (the sum of pixels 0 .. x - 1), pointers stepped (one loop per mode)
            (local.set $sum (i32.const 0))
            (local.set $sums (i64.const 0))
            (local.set $sumf (i32.const 0))
            (local.set $sumsf (i64.const 0))
            (local.set $pq (local.get $q))
            (local.set $pqf (local.get $qf))
            ;; q[0] = 0 (and qf[0], beside it when both are made, else at $qf).
            (i64.store (local.get $pq) (i64.const 0))
            (i64.store (select (i32.add (local.get $pq) (i32.const 8)) (local.get $pqf) (local.get $needQ)) (i64.const 0))
            (local.set $pp (local.get $row))
            (local.set $pend (i32.add (local.get $row) (i32.shl (local.get $w) (i32.const 1))))
            (if (i32.and (local.get $needQ) (local.get $needQf))
              (then
                ;; Two pixels a turn, q and qf interleaved (q[x] at $q + 16 x, qf[x] 8 bytes on).
                (block $pairsDone
                  (loop $eachPair
                    (br_if $pairsDone (i32.ge_u (i32.add (local.get $pp) (i32.const 2)) (local.get $pend)))
                    (local.set $sums (i64.add (local.get $sums) (i64.extend_i32_s (local.get $sum))))
                    (local.set $sumsf (i64.add (local.get $sumsf) (i64.extend_i32_s (local.get $sumf))))
                    (i64.store offset=16 (local.get $pq) (local.get $sums))
                    (i64.store offset=24 (local.get $pq) (local.get $sumsf))
                    (local.set $v (i32.load16_u (local.get $pp)))
                    (local.set $sum (i32.add (local.get $sum) (local.get $v)))
                    (local.set $v (i32.and (i32.add (local.get $v) (i32.const 128)) (i32.const -256)))
                    (local.set $sumf
                      (i32.add (local.get $sumf)
                        (select (local.get $v) (local.get $flat) (i32.lt_s (local.get $v) (local.get $flat)))))
                    (local.set $sums (i64.add (local.get $sums) (i64.extend_i32_s (local.get $sum))))
                    (local.set $sumsf (i64.add (local.get $sumsf) (i64.extend_i32_s (local.get $sumf))))
                    (i64.store offset=32 (local.get $pq) (local.get $sums))
                    (i64.store offset=40 (local.get $pq) (local.get $sumsf))
                    (local.set $v (i32.load16_u offset=2 (local.get $pp)))
                    (local.set $sum (i32.add (local.get $sum) (local.get $v)))
                    (local.set $v (i32.and (i32.add (local.get $v) (i32.const 128)) (i32.const -256)))
                    (local.set $sumf
                      (i32.add (local.get $sumf)
                        (select (local.get $v) (local.get $flat) (i32.lt_s (local.get $v) (local.get $flat)))))
                    (local.set $pq (i32.add (local.get $pq) (i32.const 32)))
                    (local.set $pp (i32.add (local.get $pp) (i32.const 4)))
                    (br $eachPair)))
                (if (i32.lt_u (local.get $pp) (local.get $pend))
                  (then
                    (local.set $sums (i64.add (local.get $sums) (i64.extend_i32_s (local.get $sum))))
                    (local.set $sumsf (i64.add (local.get $sumsf) (i64.extend_i32_s (local.get $sumf))))
                    (i64.store offset=16 (local.get $pq) (local.get $sums))
                    (i64.store offset=24 (local.get $pq) (local.get $sumsf))
                    (local.set $v (i32.load16_u (local.get $pp)))
                    (local.set $sum (i32.add (local.get $sum) (local.get $v)))
                    (local.set $v (i32.and (i32.add (local.get $v) (i32.const 128)) (i32.const -256)))
                    (local.set $sumf
                      (i32.add (local.get $sumf)
                        (select (local.get $v) (local.get $flat) (i32.lt_s (local.get $v) (local.get $flat)))))
                    (local.set $pq (i32.add (local.get $pq) (i32.const 16)))))
                ;; The last sums: q[w + 1] and qf[w + 1].
                (i64.store offset=16 (local.get $pq) (i64.add (local.get $sums) (i64.extend_i32_s (local.get $sum))))
                (i64.store offset=24 (local.get $pq) (i64.add (local.get $sumsf) (i64.extend_i32_s (local.get $sumf)))))
              (else
                (if (local.get $needQf)
                  (then
                    (loop $eachFlat
                      (local.set $sumsf (i64.add (local.get $sumsf) (i64.extend_i32_s (local.get $sumf))))
                      (local.set $pqf (i32.add (local.get $pqf) (i32.const 8)))
                      (i64.store (local.get $pqf) (local.get $sumsf))
                      (local.set $v
                        (i32.shl (i32.shr_u (i32.add (i32.load16_u (local.get $pp)) (i32.const 128)) (i32.const 8)) (i32.const 8)))
                      (local.set $sumf
                        (i32.add (local.get $sumf)
                          (select (local.get $v) (local.get $flat) (i32.lt_s (local.get $v) (local.get $flat)))))
                      (local.set $pp (i32.add (local.get $pp) (i32.const 2)))
                      (br_if $eachFlat (i32.lt_u (local.get $pp) (local.get $pend))))
                    (i64.store offset=8 (local.get $pqf) (i64.add (local.get $sumsf) (i64.extend_i32_s (local.get $sumf)))))
                  (else
                    (loop $eachX
                      (local.set $sums (i64.add (local.get $sums) (i64.extend_i32_s (local.get $sum))))
                      (local.set $pq (i32.add (local.get $pq) (i32.const 8)))
                      (i64.store (local.get $pq) (local.get $sums))
                      (local.set $sum (i32.add (local.get $sum) (i32.load16_u (local.get $pp))))
                      (local.set $pp (i32.add (local.get $pp) (i32.const 2)))
                      (br_if $eachX (i32.lt_u (local.get $pp) (local.get $pend))))
                    (i64.store offset=8 (local.get $pq) (i64.add (local.get $sums) (i64.extend_i32_s (local.get $sum))))))))))
        (local.set $s (i32.const 0))
        (block $setsDone
          (loop $eachSet
            (br_if $setsDone (i32.ge_s (local.get $s) (local.get $nsets)))
            (local.set $d (i32.add (local.get $sets) (i32.shl (local.get $s) (i32.const 5))))
            (local.set $offsets (i32.load offset=8 (local.get $d)))
            (local.set $weights (i32.load offset=12 (local.get $d)))
            (local.set $tents (i32.load offset=16 (local.get $d)))
            (local.set $scale (f64.load offset=24 (local.get $d)))
            (local.set $flatten (i32.load offset=20 (local.get $d)))
            ;; Where this set's sums are: interleaved (16 bytes each) when both kinds were made.
            (local.set $qs
              (select
                (i32.add (local.get $q) (i32.shl (local.get $flatten) (i32.const 3)))
                (select (local.get $qf) (local.get $q) (local.get $flatten))
                (local.get $both)))
            (local.set $o
              (i32.add (local.get $out)
                (i32.shl (i32.add (i32.mul (local.get $s) (local.get $n)) (local.get $y)) (i32.const 9))))
            (local.set $j (i32.const 0))
            (block $tapsDone
              (loop $eachTap
                (br_if $tapsDone (i32.ge_s (local.get $j) (i32.const 64)))
                (local.set $t (i32.add (local.get $tents) (i32.shl (local.get $j) (i32.const 4))))
                (if (i32.and (i32.ne (local.get $tents) (i32.const 0)) (i32.ge_s (i32.load (local.get $t)) (i32.const 0)))
                  (then
                    ;; q[b + d + 2] - q[a + d + 1] - q[b + c + 1] + q[a + c], then x scale / 256
                    (f64.store (local.get $o)
                      (f64.div
                        (f64.mul
                          (f64.add
                            (f64.sub
                              (f64.sub
                                (f64.convert_i64_s (i64.load (i32.add (local.get $qs) (i32.shl
                                  (i32.add (i32.add (i32.load offset=4 (local.get $t)) (i32.load offset=12 (local.get $t))) (i32.const 2))
                                  (local.get $qshift)))))
                                (f64.convert_i64_s (i64.load (i32.add (local.get $qs) (i32.shl
                                  (i32.add (i32.add (i32.load (local.get $t)) (i32.load offset=12 (local.get $t))) (i32.const 1))
                                  (local.get $qshift))))))
                              (f64.convert_i64_s (i64.load (i32.add (local.get $qs) (i32.shl
                                (i32.add (i32.add (i32.load offset=4 (local.get $t)) (i32.load offset=8 (local.get $t))) (i32.const 1))
                                (local.get $qshift))))))
                            (f64.convert_i64_s (i64.load (i32.add (local.get $qs) (i32.shl
                              (i32.add (i32.load (local.get $t)) (i32.load offset=8 (local.get $t)))
                              (local.get $qshift))))))
                          (local.get $scale))
                        (f64.const 256))))
                  (else
                    (local.set $k (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $j) (i32.const 2)))))
                    (local.set $end
                      (i32.add (local.get $k)
                        (i32.load (i32.add (i32.load offset=4 (local.get $d)) (i32.shl (local.get $j) (i32.const 2))))))
                    (local.set $at
                      (i32.add (local.get $row)
                        (i32.shl (i32.load (i32.add (i32.load (local.get $d)) (i32.shl (local.get $j) (i32.const 2))))
                          (i32.const 1))))
                    (local.set $acc (f64.const 0))
                    (block $wDone
                      (loop $eachWeight
                        (br_if $wDone (i32.ge_s (local.get $k) (local.get $end)))
                        (local.set $v (i32.load16_u (local.get $at)))
                        (if (local.get $flatten)
                          (then
                            (local.set $v
                              (i32.shl (i32.shr_u (i32.add (local.get $v) (i32.const 128)) (i32.const 8)) (i32.const 8)))
                            (local.set $v
                              (select (local.get $v) (local.get $flat) (i32.lt_s (local.get $v) (local.get $flat))))))
                        (local.set $acc
                          (f64.add (local.get $acc)
                            (f64.mul
                              (f64.load (i32.add (local.get $weights) (i32.shl (local.get $k) (i32.const 3))))
                              (f64.convert_i32_s (local.get $v)))))
                        (local.set $k (i32.add (local.get $k) (i32.const 1)))
                        (local.set $at (i32.add (local.get $at) (i32.const 2)))
                        (br $eachWeight)))
                    (f64.store (local.get $o) (f64.div (local.get $acc) (f64.const 256)))))
                (local.set $o (i32.add (local.get $o) (i32.const 8)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $eachTap)))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $eachSet)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $eachRow))))
  ;; Where neighbouring lines step sharply, as stepMapsJs (../frame.ts) counts them: $h rows of $w
  ;; pixels of $ch bytes at $pix ($rgb: 3 colour channels, else 1); a step is a difference beyond
  ;; $t on some colour channel. Row prefix sums ((h + 1) rows of w + 1 i32) to $rp, column prefix
  ;; sums (w + 1 columns of h + 1 i32) to $cp, $cnt: w i32 of scratch. |d| > t is d + t > 2t read
  ;; unsigned. Integers only: the same counts.
  (func (export "steps")
    (param $pix i32) (param $w i32) (param $h i32) (param $ch i32) (param $rgb i32) (param $t i32)
    (param $rp i32) (param $cp i32) (param $cnt i32)
    (local $x i32) (local $y i32) (local $at i32) (local $line i32) (local $t2 i32) (local $edges i32)
    (local $step i32) (local $o i32) (local $c i32) (local $v i32) (local $col i32) (local $end i32)
    (local.set $t2 (i32.shl (local.get $t) (i32.const 1)))
    (local.set $line (i32.mul (local.get $w) (local.get $ch)))
    ;; Row 0 and row h of the row sums, column w and each column's first sum, the counts: zero.
    (local.set $x (i32.const 0))
    (loop $zeroRows
      (i32.store (i32.add (local.get $rp) (i32.shl (local.get $x) (i32.const 2))) (i32.const 0))
      (i32.store
        (i32.add (local.get $rp)
          (i32.shl (i32.add (i32.mul (local.get $h) (i32.add (local.get $w) (i32.const 1))) (local.get $x)) (i32.const 2)))
        (i32.const 0))
      (i32.store (i32.add (local.get $cp) (i32.shl (i32.mul (local.get $x) (i32.add (local.get $h) (i32.const 1))) (i32.const 2)))
        (i32.const 0))
      (if (i32.lt_s (local.get $x) (local.get $w))
        (then (i32.store (i32.add (local.get $cnt) (i32.shl (local.get $x) (i32.const 2))) (i32.const 0))))
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br_if $zeroRows (i32.le_s (local.get $x) (local.get $w))))
    (local.set $y (i32.const 0))
    (loop $zeroLast
      (i32.store
        (i32.add (local.get $cp)
          (i32.shl (i32.add (i32.mul (local.get $w) (i32.add (local.get $h) (i32.const 1))) (local.get $y)) (i32.const 2)))
        (i32.const 0))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br_if $zeroLast (i32.le_s (local.get $y) (local.get $h))))
    (local.set $y (i32.const 0))
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.ge_s (local.get $y) (local.get $h)))
        ;; Steps from the row above, summed along the row.
        (if (i32.gt_s (local.get $y) (i32.const 0))
          (then
            (local.set $o (i32.add (local.get $rp)
              (i32.shl (i32.mul (local.get $y) (i32.add (local.get $w) (i32.const 1))) (i32.const 2))))
            (i32.store (local.get $o) (i32.const 0))
            (local.set $edges (i32.const 0))
            (local.set $at (i32.add (local.get $pix) (i32.mul (local.get $y) (local.get $line))))
            (local.set $end (i32.add (local.get $at) (local.get $line)))
            (block $upDone
              (loop $up
                (br_if $upDone (i32.ge_u (local.get $at) (local.get $end)))
                (local.set $step
                  (i32.gt_u
                    (i32.add (i32.sub (i32.load8_u (local.get $at)) (i32.load8_u (i32.sub (local.get $at) (local.get $line))))
                      (local.get $t))
                    (local.get $t2)))
                (if (local.get $rgb)
                  (then
                    (local.set $step (i32.or (local.get $step)
                      (i32.gt_u
                        (i32.add (i32.sub (i32.load8_u offset=1 (local.get $at))
                          (i32.load8_u offset=1 (i32.sub (local.get $at) (local.get $line)))) (local.get $t))
                        (local.get $t2))))
                    (local.set $step (i32.or (local.get $step)
                      (i32.gt_u
                        (i32.add (i32.sub (i32.load8_u offset=2 (local.get $at))
                          (i32.load8_u offset=2 (i32.sub (local.get $at) (local.get $line)))) (local.get $t))
                        (local.get $t2))))))
                (local.set $edges (i32.add (local.get $edges) (local.get $step)))
                (local.set $o (i32.add (local.get $o) (i32.const 4)))
                (i32.store (local.get $o) (local.get $edges))
                (local.set $at (i32.add (local.get $at) (local.get $ch)))
                (br $up)))))
        ;; Steps from the pixel to the left, summed down each column (the first column has none).
        (local.set $col (i32.add (local.get $cp) (i32.shl (i32.add (local.get $y) (i32.const 1)) (i32.const 2))))
        (i32.store (local.get $col) (i32.const 0))
        (local.set $at (i32.add (i32.add (local.get $pix) (i32.mul (local.get $y) (local.get $line))) (local.get $ch)))
        (local.set $c (i32.add (local.get $cnt) (i32.const 4)))
        (local.set $x (i32.const 1))
        (block $leftDone
          (loop $left
            (br_if $leftDone (i32.ge_s (local.get $x) (local.get $w)))
            (local.set $col (i32.add (local.get $col) (i32.shl (i32.add (local.get $h) (i32.const 1)) (i32.const 2))))
            (local.set $step
              (i32.gt_u
                (i32.add (i32.sub (i32.load8_u (local.get $at)) (i32.load8_u (i32.sub (local.get $at) (local.get $ch))))
                  (local.get $t))
                (local.get $t2)))
            (if (local.get $rgb)
              (then
                (local.set $step (i32.or (local.get $step)
                  (i32.gt_u
                    (i32.add (i32.sub (i32.load8_u offset=1 (local.get $at))
                      (i32.load8_u offset=1 (i32.sub (local.get $at) (local.get $ch)))) (local.get $t))
                    (local.get $t2))))
                (local.set $step (i32.or (local.get $step)
                  (i32.gt_u
                    (i32.add (i32.sub (i32.load8_u offset=2 (local.get $at))
                      (i32.load8_u offset=2 (i32.sub (local.get $at) (local.get $ch)))) (local.get $t))
                    (local.get $t2))))))
            (local.set $v (i32.add (i32.load (local.get $c)) (local.get $step)))
            (i32.store (local.get $c) (local.get $v))
            (i32.store (local.get $col) (local.get $v))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (local.set $at (i32.add (local.get $at) (local.get $ch)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $left)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $eachRow))))
)
