;; imprint luma-plane kernel: the luma plane of an image in 1/256ths of a level, the histogram of
;; its whole levels, and the block sums of the frame-finding copy, in one pass over the pixels,
;; exactly as lumaPlaneAndCopy (src/methods/pdq-views.ts) computes them in JS: integer arithmetic
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
        (br $block)))))
