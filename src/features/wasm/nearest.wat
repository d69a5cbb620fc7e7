;; imprint features kernel: every upload descriptor's nearest and second-nearest known descriptor
;; (the brute-force search of src/features/correspond.ts, where an upload spends most of its
;; verification). Plain WebAssembly 1.0 (i64.popcnt, no SIMD), so it runs wherever WebAssembly
;; does. Hand-written so the build needs no toolchain download; assembled by
;; scripts/build-features-wasm.mjs into nearest-bytes.ts. correspondReference (correspond.ts) is
;; the definition: the same best, second and index for every query (tests compare both).
;;
;; Memory layout (addresses in bytes, chosen by the caller, nearest-wasm.ts): a descriptor is 256
;; bits, 32 bytes, at any multiple of 8. Its eight u32 words are read as four i64 lanes: the
;; distance, a popcount of the XOR, does not depend on how the bits are grouped.
(module
  (memory (export "memory") 1 65536)

  ;; For each of the $qn query descriptors at $query, against the $kn known ones at $known:
  ;; writes three i32 at $out + 12 * i: the smallest distance, the second smallest (257 when
  ;; there is none) and the index of the first known descriptor at the smallest (-1 when $kn is
  ;; 0). The comparisons are strict, as in the JS: a later tie with the best moves it to second.
  (func (export "nearest")
    (param $query i32) (param $qn i32) (param $known i32) (param $kn i32) (param $out i32)
    (local $q i32) (local $qend i32) (local $p i32) (local $kend i32)
    (local $q0 i64) (local $q1 i64) (local $q2 i64) (local $q3 i64)
    (local $d i32) (local $best i32) (local $second i32) (local $at i32)
    (local.set $q (local.get $query))
    (local.set $qend (i32.add (local.get $query) (i32.shl (local.get $qn) (i32.const 5))))
    (local.set $kend (i32.add (local.get $known) (i32.shl (local.get $kn) (i32.const 5))))
    (block $done
      (br_if $done (i32.ge_u (local.get $q) (local.get $qend)))
      (loop $queries
        ;; the query's four lanes held in locals for the whole scan
        (local.set $q0 (i64.load (local.get $q)))
        (local.set $q1 (i64.load offset=8 (local.get $q)))
        (local.set $q2 (i64.load offset=16 (local.get $q)))
        (local.set $q3 (i64.load offset=24 (local.get $q)))
        (local.set $best (i32.const 257))
        (local.set $second (i32.const 257))
        (local.set $at (i32.const -1))
        (local.set $p (local.get $known))
        (block $scanned
          (br_if $scanned (i32.ge_u (local.get $p) (local.get $kend)))
          (loop $scan
            (local.set $d (i32.wrap_i64 (i64.add
              (i64.add
                (i64.popcnt (i64.xor (i64.load (local.get $p)) (local.get $q0)))
                (i64.popcnt (i64.xor (i64.load offset=8 (local.get $p)) (local.get $q1))))
              (i64.add
                (i64.popcnt (i64.xor (i64.load offset=16 (local.get $p)) (local.get $q2)))
                (i64.popcnt (i64.xor (i64.load offset=24 (local.get $p)) (local.get $q3)))))))
            (if (i32.lt_u (local.get $d) (local.get $second))
              (then
                (if (i32.lt_u (local.get $d) (local.get $best))
                  (then
                    (local.set $second (local.get $best))
                    (local.set $best (local.get $d))
                    ;; the address, turned into an index once the scan is over
                    (local.set $at (local.get $p)))
                  (else (local.set $second (local.get $d))))))
            (local.set $p (i32.add (local.get $p) (i32.const 32)))
            (br_if $scan (i32.lt_u (local.get $p) (local.get $kend)))))
        (i32.store (local.get $out) (local.get $best))
        (i32.store offset=4 (local.get $out) (local.get $second))
        (i32.store offset=8 (local.get $out)
          (select
            (i32.const -1)
            (i32.shr_u (i32.sub (local.get $at) (local.get $known)) (i32.const 5))
            (i32.eq (local.get $at) (i32.const -1))))
        (local.set $out (i32.add (local.get $out) (i32.const 12)))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (br_if $queries (i32.lt_u (local.get $q) (local.get $qend)))))))
