;; imprint matching kernel: Hamming-distance scans over packed hashes.
;;
;; Hand-written so the build needs no toolchain download; assembled by scripts/build-wasm.mjs
;; into kernel-bytes.ts. src/matching/kernel-js.ts implements the same functions in plain JS and
;; must give identical results (tests compare both).
;;
;; Memory layout (set by `configure`, all addresses in bytes):
;;   packed   : hash i at packed + i * stride; stride is a multiple of 8 (i64 lanes). Each hash is
;;              its big-endian bytes packed into u32 words (word w = bytes 4w..4w+3, big-endian),
;;              stored little-endian, zero-padded to the stride.
;;   offsets  : MIH only. For slot s, a table of 65537 u32 at offsets + s * 262148: the ids whose
;;              slot-s value is v are postings[s][table[v] .. table[v+1]).
;;   postings : MIH only. Slot s's ids at postings + s * main * 4 (u32, ascending within a value).
;; Slot s is the 16-bit value of hash bytes 2s, 2s+1 (big-endian), i.e. the u16 at byte offset
;; 2 * (s xor 1) of the hash in memory.
(module
  (import "env" "memory" (memory 1 65536))

  (global $packed (mut i32) (i32.const 0))
  (global $stride (mut i32) (i32.const 8))
  (global $lanes (mut i32) (i32.const 1))
  (global $offsets (mut i32) (i32.const 0))
  (global $postings (mut i32) (i32.const 0))
  (global $main (mut i32) (i32.const 0))
  (global $slots (mut i32) (i32.const 0))
  ;; hits written by the last `scan`
  (global $hits (mut i32) (i32.const 0))

  (func (export "configure")
    (param $packed i32) (param $stride i32) (param $offsets i32) (param $postings i32)
    (param $main i32) (param $slots i32)
    (global.set $packed (local.get $packed))
    (global.set $stride (local.get $stride))
    (global.set $lanes (i32.shr_u (local.get $stride) (i32.const 3)))
    (global.set $offsets (local.get $offsets))
    (global.set $postings (local.get $postings))
    (global.set $main (local.get $main))
    (global.set $slots (local.get $slots)))

  (func (export "hits") (result i32) (global.get $hits))

  ;; Distance between the hashes at $p and $q, stopping early once it exceeds $max (the value
  ;; returned is then some partial sum > $max).
  (func $dist (param $p i32) (param $q i32) (param $max i32) (result i32)
    (local $d i32) (local $end i32)
    (local.set $end (i32.add (local.get $p) (global.get $stride)))
    (loop $lane
      (local.set $d (i32.add (local.get $d)
        (i32.wrap_i64 (i64.popcnt (i64.xor (i64.load (local.get $p)) (i64.load (local.get $q)))))))
      (if (i32.gt_u (local.get $d) (local.get $max)) (then (return (local.get $d))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (br_if $lane (i32.lt_u (local.get $p) (local.get $end))))
    (local.get $d))

  ;; Flat scan of ids [$start, $end): writes each id within $max of the query at $q to
  ;; $outIds/$outDist (u32 each) until $cap hits. Returns the id to resume from ($end when
  ;; finished); the number of hits written is `hits()`.
  (func (export "scan")
    (param $q i32) (param $start i32) (param $end i32) (param $max i32)
    (param $outIds i32) (param $outDist i32) (param $cap i32) (result i32)
    (local $id i32) (local $p i32) (local $d i32) (local $n i32)
    (local $q0 i64) (local $q1 i64) (local $q2 i64) (local $q3 i64)
    (local.set $id (local.get $start))
    (global.set $hits (i32.const 0))
    (if (i32.ge_u (local.get $id) (local.get $end)) (then (return (local.get $end))))
    (if (i32.eqz (local.get $cap)) (then (return (local.get $start))))
    (local.set $p (i32.add (global.get $packed) (i32.mul (local.get $id) (global.get $stride))))
    (block $done
      ;; 256-bit hashes: the first 128 bits decide almost every non-match.
      (if (i32.eq (global.get $lanes) (i32.const 4))
        (then
          (local.set $q0 (i64.load (local.get $q)))
          (local.set $q1 (i64.load offset=8 (local.get $q)))
          (local.set $q2 (i64.load offset=16 (local.get $q)))
          (local.set $q3 (i64.load offset=24 (local.get $q)))
          (loop $scan4
            (local.set $d (i32.wrap_i64 (i64.add
              (i64.popcnt (i64.xor (i64.load (local.get $p)) (local.get $q0)))
              (i64.popcnt (i64.xor (i64.load offset=8 (local.get $p)) (local.get $q1))))))
            (if (i32.le_u (local.get $d) (local.get $max))
              (then
                (local.set $d (i32.add (local.get $d) (i32.wrap_i64 (i64.add
                  (i64.popcnt (i64.xor (i64.load offset=16 (local.get $p)) (local.get $q2)))
                  (i64.popcnt (i64.xor (i64.load offset=24 (local.get $p)) (local.get $q3)))))))
                (if (i32.le_u (local.get $d) (local.get $max))
                  (then
                    (i32.store (i32.add (local.get $outIds) (i32.shl (local.get $n) (i32.const 2))) (local.get $id))
                    (i32.store (i32.add (local.get $outDist) (i32.shl (local.get $n) (i32.const 2))) (local.get $d))
                    (local.set $n (i32.add (local.get $n) (i32.const 1)))
                    (if (i32.eq (local.get $n) (local.get $cap))
                      (then (local.set $id (i32.add (local.get $id) (i32.const 1))) (br $done)))))))
            (local.set $id (i32.add (local.get $id) (i32.const 1)))
            (local.set $p (i32.add (local.get $p) (i32.const 32)))
            (br_if $scan4 (i32.lt_u (local.get $id) (local.get $end))))
          (br $done)))
      ;; 64-bit (and shorter) hashes: one lane.
      (if (i32.eq (global.get $lanes) (i32.const 1))
        (then
          (local.set $q0 (i64.load (local.get $q)))
          (loop $scan1
            (local.set $d (i32.wrap_i64 (i64.popcnt (i64.xor (i64.load (local.get $p)) (local.get $q0)))))
            (if (i32.le_u (local.get $d) (local.get $max))
              (then
                (i32.store (i32.add (local.get $outIds) (i32.shl (local.get $n) (i32.const 2))) (local.get $id))
                (i32.store (i32.add (local.get $outDist) (i32.shl (local.get $n) (i32.const 2))) (local.get $d))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))
                (if (i32.eq (local.get $n) (local.get $cap))
                  (then (local.set $id (i32.add (local.get $id) (i32.const 1))) (br $done)))))
            (local.set $id (i32.add (local.get $id) (i32.const 1)))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (br_if $scan1 (i32.lt_u (local.get $id) (local.get $end))))
          (br $done)))
      ;; Any other length: lane by lane with early exit.
      (loop $scanN
        (local.set $d (call $dist (local.get $p) (local.get $q) (local.get $max)))
        (if (i32.le_u (local.get $d) (local.get $max))
          (then
            (i32.store (i32.add (local.get $outIds) (i32.shl (local.get $n) (i32.const 2))) (local.get $id))
            (i32.store (i32.add (local.get $outDist) (i32.shl (local.get $n) (i32.const 2))) (local.get $d))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (if (i32.eq (local.get $n) (local.get $cap))
              (then (local.set $id (i32.add (local.get $id) (i32.const 1))) (br $done)))))
        (local.set $id (i32.add (local.get $id) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (global.get $stride)))
        (br_if $scanN (i32.lt_u (local.get $id) (local.get $end)))))
    (global.set $hits (local.get $n))
    (local.get $id))

;; Flat scan as `scan`, keeping ids within $max of the query at $q that also differ from it in
  ;; at most $maskMax of the bits set in the mask at $m (stored as a hash is). For a PDQ upload
  ;; compared on the bits it is sure of: the full radius is then wide, and this check is the filter.
  (func (export "scanMasked")
    (param $q i32) (param $m i32) (param $start i32) (param $end i32) (param $max i32)
    (param $maskMax i32) (param $outIds i32) (param $outDist i32) (param $cap i32) (result i32)
    (local $id i32) (local $p i32) (local $d i32) (local $dm i32) (local $n i32) (local $l i32)
    (local $x i64)
    (local.set $id (local.get $start))
    (global.set $hits (i32.const 0))
    (if (i32.ge_u (local.get $id) (local.get $end)) (then (return (local.get $end))))
    (if (i32.eqz (local.get $cap)) (then (return (local.get $start))))
    (local.set $p (i32.add (global.get $packed) (i32.mul (local.get $id) (global.get $stride))))
    (block $done
      (loop $each
        (local.set $d (i32.const 0))
        (local.set $dm (i32.const 0))
        (local.set $l (i32.const 0))
        (block $next
          ;; lane by lane, leaving as soon as either distance is past its bound
          (loop $lane
            (local.set $x (i64.xor
              (i64.load (i32.add (local.get $p) (local.get $l)))
              (i64.load (i32.add (local.get $q) (local.get $l)))))
            (local.set $d (i32.add (local.get $d) (i32.wrap_i64 (i64.popcnt (local.get $x)))))
            (local.set $dm (i32.add (local.get $dm) (i32.wrap_i64 (i64.popcnt
              (i64.and (local.get $x) (i64.load (i32.add (local.get $m) (local.get $l))))))))
            (br_if $next (i32.gt_u (local.get $d) (local.get $max)))
            (br_if $next (i32.gt_u (local.get $dm) (local.get $maskMax)))
            (local.set $l (i32.add (local.get $l) (i32.const 8)))
            (br_if $lane (i32.lt_u (local.get $l) (global.get $stride))))
          (i32.store (i32.add (local.get $outIds) (i32.shl (local.get $n) (i32.const 2))) (local.get $id))
          (i32.store (i32.add (local.get $outDist) (i32.shl (local.get $n) (i32.const 2))) (local.get $d))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (if (i32.eq (local.get $n) (local.get $cap))
            (then (local.set $id (i32.add (local.get $id) (i32.const 1))) (br $done))))
        (local.set $id (i32.add (local.get $id) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (global.get $stride)))
        (br_if $each (i32.lt_u (local.get $id) (local.get $end)))))
    (global.set $hits (local.get $n))
    (local.get $id))

  ;; True when some slot before $s of the hashes at $p and $q differs in at most $r bits: the
  ;; candidate was then already found through that earlier slot.
  (func $seenEarlier (param $s i32) (param $p i32) (param $q i32) (param $r i32) (result i32)
    (local $t i32) (local $off i32)
    (block $none
      (loop $slot
        (br_if $none (i32.ge_u (local.get $t) (local.get $s)))
        (local.set $off (i32.shl (i32.xor (local.get $t) (i32.const 1)) (i32.const 1)))
        (if (i32.le_u
              (i32.popcnt (i32.xor
                (i32.load16_u (i32.add (local.get $p) (local.get $off)))
                (i32.load16_u (i32.add (local.get $q) (local.get $off)))))
              (local.get $r))
          (then (return (i32.const 1))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $slot)))
    (i32.const 0))

  ;; Checks every id posted under value $v of slot $s; appends matches after $n. Returns the new
  ;; hit count, or -1 when $cap would be exceeded.
  (func $probe
    (param $s i32) (param $v i32) (param $q i32) (param $max i32) (param $r i32)
    (param $outIds i32) (param $outDist i32) (param $cap i32) (param $n i32) (result i32)
    (local $table i32) (local $i i32) (local $endI i32) (local $list i32) (local $id i32)
    (local $p i32) (local $d i32) (local $q0 i64) (local $q1 i64)
    (local.set $table (i32.add (global.get $offsets)
      (i32.add (i32.mul (local.get $s) (i32.const 262148)) (i32.shl (local.get $v) (i32.const 2)))))
    (local.set $i (i32.load (local.get $table)))
    (local.set $endI (i32.load offset=4 (local.get $table)))
    (local.set $list (i32.add (global.get $postings)
      (i32.shl (i32.mul (local.get $s) (global.get $main)) (i32.const 2))))
    ;; 256-bit hashes: the distance inlined, rejecting on the first 128 bits (a tight loop keeps
    ;; more candidates' memory reads in flight).
    (if (i32.eq (global.get $lanes) (i32.const 4))
      (then
        (local.set $q0 (i64.load (local.get $q)))
        (local.set $q1 (i64.load offset=8 (local.get $q)))
        (block $done4
          (loop $cand4
            (br_if $done4 (i32.ge_u (local.get $i) (local.get $endI)))
            (local.set $p (i32.add (global.get $packed)
              (i32.shl (i32.load (i32.add (local.get $list) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 5))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $cand4 (i32.gt_u
              (i32.wrap_i64 (i64.add
                (i64.popcnt (i64.xor (i64.load (local.get $p)) (local.get $q0)))
                (i64.popcnt (i64.xor (i64.load offset=8 (local.get $p)) (local.get $q1)))))
              (local.get $max)))
            (local.set $d (call $dist (local.get $p) (local.get $q) (local.get $max)))
            (if (i32.le_u (local.get $d) (local.get $max))
              (then
                (if (i32.eqz (call $seenEarlier (local.get $s) (local.get $p) (local.get $q) (local.get $r)))
                  (then
                    (if (i32.ge_u (local.get $n) (local.get $cap)) (then (return (i32.const -1))))
                    (i32.store (i32.add (local.get $outIds) (i32.shl (local.get $n) (i32.const 2)))
                      (i32.shr_u (i32.sub (local.get $p) (global.get $packed)) (i32.const 5)))
                    (i32.store (i32.add (local.get $outDist) (i32.shl (local.get $n) (i32.const 2))) (local.get $d))
                    (local.set $n (i32.add (local.get $n) (i32.const 1)))))))
            (br $cand4)))
        (return (local.get $n))))
    (block $done
      (loop $cand
        (br_if $done (i32.ge_u (local.get $i) (local.get $endI)))
        (local.set $id (i32.load (i32.add (local.get $list) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $p (i32.add (global.get $packed) (i32.mul (local.get $id) (global.get $stride))))
        (local.set $d (call $dist (local.get $p) (local.get $q) (local.get $max)))
        (if (i32.le_u (local.get $d) (local.get $max))
          (then
            (if (i32.eqz (call $seenEarlier (local.get $s) (local.get $p) (local.get $q) (local.get $r)))
              (then
                (if (i32.ge_u (local.get $n) (local.get $cap)) (then (return (i32.const -1))))
                (i32.store (i32.add (local.get $outIds) (i32.shl (local.get $n) (i32.const 2))) (local.get $id))
                (i32.store (i32.add (local.get $outDist) (i32.shl (local.get $n) (i32.const 2))) (local.get $d))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $cand)))
    (local.get $n))

  ;; True when some slot before $s of the hashes at $p and $q differs in at most $r of the bits
  ;; set in that slot of the mask at $m: the candidate was then already found through that slot.
  (func $seenEarlierMasked (param $s i32) (param $p i32) (param $q i32) (param $m i32) (param $r i32)
    (result i32)
    (local $t i32) (local $off i32)
    (block $none
      (loop $slot
        (br_if $none (i32.ge_u (local.get $t) (local.get $s)))
        (local.set $off (i32.shl (i32.xor (local.get $t) (i32.const 1)) (i32.const 1)))
        (if (i32.le_u
              (i32.popcnt (i32.and
                (i32.xor
                  (i32.load16_u (i32.add (local.get $p) (local.get $off)))
                  (i32.load16_u (i32.add (local.get $q) (local.get $off))))
                (i32.load16_u (i32.add (local.get $m) (local.get $off)))))
              (local.get $r))
          (then (return (i32.const 1))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $slot)))
    (i32.const 0))

  ;; Differing bits of the hashes at $p and $q among the bits set in the mask at $m, stopping
  ;; once past $max (the value returned is then some partial sum > $max).
  (func $maskedDist (param $p i32) (param $q i32) (param $m i32) (param $max i32) (result i32)
    (local $d i32) (local $end i32)
    (local.set $end (i32.add (local.get $p) (global.get $stride)))
    (loop $lane
      (local.set $d (i32.add (local.get $d) (i32.wrap_i64 (i64.popcnt (i64.and
        (i64.xor (i64.load (local.get $p)) (i64.load (local.get $q)))
        (i64.load (local.get $m)))))))
      (if (i32.gt_u (local.get $d) (local.get $max)) (then (return (local.get $d))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (local.set $m (i32.add (local.get $m) (i32.const 8)))
      (br_if $lane (i32.lt_u (local.get $p) (local.get $end))))
    (local.get $d))

  ;; Multi-index hashing for a masked query: slot by slot, probes the values listed at $probes
  ;; ($counts holds one u32 count per slot, the values follow one another), keeps each id within
  ;; $max of the query at $q and within $maskMax of it on the bits of the mask at $m, and reports
  ;; it once (through the first slot where it is within $r on that slot's masked bits; the caller
  ;; lists every value that is). Returns the number of hits, or -1 when more than $cap.
  (func (export "mihMasked")
    (param $q i32) (param $m i32) (param $max i32) (param $maskMax i32) (param $r i32)
    (param $probes i32) (param $counts i32)
    (param $outIds i32) (param $outDist i32) (param $cap i32) (result i32)
    (local $s i32) (local $k i32) (local $kEnd i32) (local $v i32) (local $table i32) (local $i i32)
    (local $endI i32) (local $list i32) (local $id i32) (local $p i32) (local $d i32) (local $n i32)
    (block $slotsDone
      (loop $slot
        (br_if $slotsDone (i32.ge_u (local.get $s) (global.get $slots)))
        (local.set $kEnd (i32.add (local.get $k)
          (i32.load (i32.add (local.get $counts) (i32.shl (local.get $s) (i32.const 2))))))
        (local.set $list (i32.add (global.get $postings)
          (i32.shl (i32.mul (local.get $s) (global.get $main)) (i32.const 2))))
        (block $valuesDone
          (loop $value
            (br_if $valuesDone (i32.ge_u (local.get $k) (local.get $kEnd)))
            (local.set $v (i32.load (i32.add (local.get $probes) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $table (i32.add (global.get $offsets)
              (i32.add (i32.mul (local.get $s) (i32.const 262148)) (i32.shl (local.get $v) (i32.const 2)))))
            (local.set $i (i32.load (local.get $table)))
            (local.set $endI (i32.load offset=4 (local.get $table)))
            (block $candsDone
              (loop $cand
                (br_if $candsDone (i32.ge_u (local.get $i) (local.get $endI)))
                (local.set $id (i32.load (i32.add (local.get $list) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (local.set $p (i32.add (global.get $packed) (i32.mul (local.get $id) (global.get $stride))))
                (local.set $d (call $dist (local.get $p) (local.get $q) (local.get $max)))
                (br_if $cand (i32.gt_u (local.get $d) (local.get $max)))
                (br_if $cand (i32.gt_u
                  (call $maskedDist (local.get $p) (local.get $q) (local.get $m) (local.get $maskMax))
                  (local.get $maskMax)))
                (br_if $cand (call $seenEarlierMasked
                  (local.get $s) (local.get $p) (local.get $q) (local.get $m) (local.get $r)))
                (if (i32.ge_u (local.get $n) (local.get $cap)) (then (return (i32.const -1))))
                (i32.store (i32.add (local.get $outIds) (i32.shl (local.get $n) (i32.const 2))) (local.get $id))
                (i32.store (i32.add (local.get $outDist) (i32.shl (local.get $n) (i32.const 2))) (local.get $d))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))
                (br $cand)))
            (br $value)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $slot)))
    (local.get $n))

  ;; Multi-index hashing query over the indexed ids [0, main): in every slot, probes each value
  ;; within $r bit flips of the query's (r = floor(max / slots) makes this exact by pigeonhole),
  ;; checks each candidate's full distance, and reports each match once (through the first slot
  ;; that finds it). Returns the number of hits, or -1 when more than $cap.
  (func (export "mih")
    (param $q i32) (param $max i32) (param $r i32)
    (param $outIds i32) (param $outDist i32) (param $cap i32) (result i32)
    (local $s i32) (local $qv i32) (local $k i32) (local $mask i32) (local $c i32) (local $t i32)
    (local $n i32)
    (block $slotsDone
      (loop $slot
        (br_if $slotsDone (i32.ge_u (local.get $s) (global.get $slots)))
        (local.set $qv (i32.load16_u (i32.add (local.get $q)
          (i32.shl (i32.xor (local.get $s) (i32.const 1)) (i32.const 1)))))
        ;; k = 0: the query's own value.
        (local.set $n (call $probe (local.get $s) (local.get $qv) (local.get $q) (local.get $max)
          (local.get $r) (local.get $outIds) (local.get $outDist) (local.get $cap) (local.get $n)))
        (if (i32.lt_s (local.get $n) (i32.const 0)) (then (return (i32.const -1))))
        ;; k = 1..min(r, 16): every 16-bit mask with k bits set, in increasing order (Gosper's hack).
        (local.set $k (i32.const 1))
        (block $levelsDone
          (loop $level
            (br_if $levelsDone (i32.gt_u (local.get $k) (local.get $r)))
            (br_if $levelsDone (i32.gt_u (local.get $k) (i32.const 16)))
            (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $k)) (i32.const 1)))
            (loop $masks
              (local.set $n (call $probe (local.get $s) (i32.xor (local.get $qv) (local.get $mask))
                (local.get $q) (local.get $max) (local.get $r)
                (local.get $outIds) (local.get $outDist) (local.get $cap) (local.get $n)))
              (if (i32.lt_s (local.get $n) (i32.const 0)) (then (return (i32.const -1))))
              (local.set $c (i32.and (local.get $mask) (i32.sub (i32.const 0) (local.get $mask))))
              (local.set $t (i32.add (local.get $mask) (local.get $c)))
              (local.set $mask (i32.or
                (i32.div_u (i32.shr_u (i32.xor (local.get $t) (local.get $mask)) (i32.const 2)) (local.get $c))
                (local.get $t)))
              (br_if $masks (i32.lt_u (local.get $mask) (i32.const 65536))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $level)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $slot)))
    (local.get $n))
)
