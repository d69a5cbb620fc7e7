;; imprint matching kernel: Hamming-distance scans and multi-index hashing over packed hashes.
;;
;; Hand-written so the build needs no toolchain download; assembled by scripts/build-wasm.mjs
;; into kernel-bytes.ts. src/matching/kernel-js.ts implements the same functions in plain JS and
;; must give identical results (tests compare both).
;;
;; Memory layout (set by `configure`, all addresses in bytes):
;;   packed : hash i at packed + i * stride; stride is a multiple of 8 (i64 lanes). Each hash is
;;            its big-endian bytes packed into u32 words (word w = bytes 4w..4w+3, big-endian),
;;            stored little-endian, zero-padded to the stride. At least 8 readable bytes follow
;;            the last hash (a substring read loads two words).
;;   desc   : MIH only. Per substring s, 4 u32 at desc + 16 * s: first bit, length in bits (1..28)
;;            | encoding << 8, address of its table, address of its postings. Bit 0 is the high
;;            bit of the hash's byte 0. The ids whose substring-s value is v are
;;            postings_s[off(v) .. off(v + 1)) (u32 each, ascending within a value), where off is
;;            read from the table (mih-tables.ts): encoding bit 0 clear, u32 off(v) at table + 4v;
;;            bit 0 set, a u32 base per block of 2^sh values (sh = min(8, bits)) at table, then
;;            u16 offsets relative to it at rel = table + 4 * (2^(bits - sh) + 1):
;;            off(v) = base[v >> sh] + rel[v]. Encoding bit 1 set: the postings are 3-byte ids
;;            (id i at postings + 3i, read as a u32 whose high byte is dropped; padding follows).
;;   radii  : per query, one i32 per substring: how many bit flips of the query's value to probe
;;            (-1: not searched). A hash within `max` of the query is within radii[s] of it on
;;            some substring s (the caller picks radii that make this so).
(module
  (import "env" "memory" (memory 1 65536))

  (global $packed (mut i32) (i32.const 0))
  (global $stride (mut i32) (i32.const 8))
  (global $lanes (mut i32) (i32.const 1))
  (global $desc (mut i32) (i32.const 0))
  (global $subs (mut i32) (i32.const 0))
  ;; hits written by the last scan
  (global $hits (mut i32) (i32.const 0))
  ;; the MIH query being answered
  (global $q (mut i32) (i32.const 0))
  (global $max (mut i32) (i32.const 0))
  (global $radii (mut i32) (i32.const 0))
  (global $cand (mut i32) (i32.const 0))
  (global $candCap (mut i32) (i32.const 0))
  (global $ranges (mut i32) (i32.const 0))
  (global $nc (mut i32) (i32.const 0))
  (global $budget (mut i32) (i32.const 0))
  (global $outIds (mut i32) (i32.const 0))
  (global $outDist (mut i32) (i32.const 0))
  (global $cap (mut i32) (i32.const 0))
  (global $n (mut i32) (i32.const 0))
  ;; what the reads ahead in $bounds, $drain and $check loaded (kept, so they are not dropped as unused)
  (global $touched (mut i32) (i32.const 0))

  (func (export "configure")
    (param $packed i32) (param $stride i32) (param $desc i32) (param $subs i32)
    (global.set $packed (local.get $packed))
    (global.set $stride (local.get $stride))
    (global.set $lanes (i32.shr_u (local.get $stride) (i32.const 3)))
    (global.set $desc (local.get $desc))
    (global.set $subs (local.get $subs)))

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

  ;; The value of the $bits-bit substring from bit $start of the hash at $p.
  (func $sub (param $p i32) (param $start i32) (param $bits i32) (result i32)
    (i32.wrap_i64 (i64.shr_u
      (i64.shl
        ;; word w (high) and word w + 1 (low) of the hash, as one 64-bit value
        (i64.rotl (i64.load (i32.add (local.get $p) (i32.shl (i32.shr_u (local.get $start) (i32.const 5)) (i32.const 2))))
          (i64.const 32))
        (i64.extend_i32_u (i32.and (local.get $start) (i32.const 31))))
      (i64.extend_i32_u (i32.sub (i32.const 64) (local.get $bits))))))

  ;; off(v) of a table (see the layout above); $rel and $shift are only read for encoding 1.
  (func $off (param $table i32) (param $enc i32) (param $shift i32) (param $rel i32) (param $v i32)
    (result i32)
    (if (result i32) (i32.eqz (local.get $enc))
      (then (i32.load (i32.add (local.get $table) (i32.shl (local.get $v) (i32.const 2)))))
      (else
        (i32.add
          (i32.load (i32.add (local.get $table) (i32.shl (i32.shr_u (local.get $v) (local.get $shift)) (i32.const 2))))
          (i32.load16_u (i32.add (local.get $rel) (i32.shl (local.get $v) (i32.const 1))))))))

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

  ;; Flat scan of ids [$start, $end) against $nq queries at once (1..8, one after another from
  ;; $qs, a stride each), reading each stored hash once: memory bandwidth is shared by the queries.
  ;; A hit is the id in $outIds and `query << 16 | distance` in $outDist. Stops before an id whose
  ;; hits might not fit under $cap ($cap >= $nq); returns the id to resume from, `hits()` the count.
  (func (export "scanMany")
    (param $qs i32) (param $nq i32) (param $start i32) (param $end i32) (param $max i32)
    (param $outIds i32) (param $outDist i32) (param $cap i32) (result i32)
    (local $id i32) (local $p i32) (local $d i32) (local $n i32) (local $j i32) (local $qj i32)
    (local $h0 i64) (local $h1 i64) (local $h2 i64) (local $h3 i64) (local $fast8 i32) (local $max64 i64)
    (local $n00 i64) (local $n01 i64) (local $n10 i64) (local $n11 i64) (local $n20 i64) (local $n21 i64) (local $n30 i64) (local $n31 i64) (local $n40 i64) (local $n41 i64) (local $n50 i64) (local $n51 i64) (local $n60 i64) (local $n61 i64) (local $n70 i64) (local $n71 i64)
    (local.set $id (local.get $start))
    (global.set $hits (i32.const 0))
    (if (i32.ge_u (local.get $id) (local.get $end)) (then (return (local.get $end))))
    (local.set $p (i32.add (global.get $packed) (i32.mul (local.get $id) (global.get $stride))))
    ;; 8 needles of 256 bits (the reference's dihedral batch): their first 128 bits stay in
    ;; locals, and a stored hash goes past with one branch when no needle is within $max of it on
    ;; those bits (a lower bound of the distance, so nothing within $max is skipped); the few that
    ;; are not passed go through the needle-by-needle loop below.
    (local.set $fast8 (i32.and (i32.eq (global.get $lanes) (i32.const 4)) (i32.eq (local.get $nq) (i32.const 8))))
    (if (local.get $fast8)
      (then
        (local.set $max64 (i64.extend_i32_u (local.get $max)))
        (local.set $n00 (i64.load offset=0 (local.get $qs)))
        (local.set $n01 (i64.load offset=8 (local.get $qs)))
        (local.set $n10 (i64.load offset=32 (local.get $qs)))
        (local.set $n11 (i64.load offset=40 (local.get $qs)))
        (local.set $n20 (i64.load offset=64 (local.get $qs)))
        (local.set $n21 (i64.load offset=72 (local.get $qs)))
        (local.set $n30 (i64.load offset=96 (local.get $qs)))
        (local.set $n31 (i64.load offset=104 (local.get $qs)))
        (local.set $n40 (i64.load offset=128 (local.get $qs)))
        (local.set $n41 (i64.load offset=136 (local.get $qs)))
        (local.set $n50 (i64.load offset=160 (local.get $qs)))
        (local.set $n51 (i64.load offset=168 (local.get $qs)))
        (local.set $n60 (i64.load offset=192 (local.get $qs)))
        (local.set $n61 (i64.load offset=200 (local.get $qs)))
        (local.set $n70 (i64.load offset=224 (local.get $qs)))
        (local.set $n71 (i64.load offset=232 (local.get $qs)))))
    (block $done
      (loop $each
        (br_if $done (i32.gt_u (i32.add (local.get $n) (local.get $nq)) (local.get $cap)))
        (if (local.get $fast8)
          (then
            (block $found
              (loop $skip
                (local.set $h0 (i64.load (local.get $p)))
                (local.set $h1 (i64.load offset=8 (local.get $p)))
                (br_if $found (i32.or (i32.or (i32.or (i32.or (i32.or (i32.or (i32.or (i64.le_u (i64.add (i64.popcnt (i64.xor (local.get $h0) (local.get $n00))) (i64.popcnt (i64.xor (local.get $h1) (local.get $n01)))) (local.get $max64))
                (i64.le_u (i64.add (i64.popcnt (i64.xor (local.get $h0) (local.get $n10))) (i64.popcnt (i64.xor (local.get $h1) (local.get $n11)))) (local.get $max64)))
                (i64.le_u (i64.add (i64.popcnt (i64.xor (local.get $h0) (local.get $n20))) (i64.popcnt (i64.xor (local.get $h1) (local.get $n21)))) (local.get $max64)))
                (i64.le_u (i64.add (i64.popcnt (i64.xor (local.get $h0) (local.get $n30))) (i64.popcnt (i64.xor (local.get $h1) (local.get $n31)))) (local.get $max64)))
                (i64.le_u (i64.add (i64.popcnt (i64.xor (local.get $h0) (local.get $n40))) (i64.popcnt (i64.xor (local.get $h1) (local.get $n41)))) (local.get $max64)))
                (i64.le_u (i64.add (i64.popcnt (i64.xor (local.get $h0) (local.get $n50))) (i64.popcnt (i64.xor (local.get $h1) (local.get $n51)))) (local.get $max64)))
                (i64.le_u (i64.add (i64.popcnt (i64.xor (local.get $h0) (local.get $n60))) (i64.popcnt (i64.xor (local.get $h1) (local.get $n61)))) (local.get $max64)))
                (i64.le_u (i64.add (i64.popcnt (i64.xor (local.get $h0) (local.get $n70))) (i64.popcnt (i64.xor (local.get $h1) (local.get $n71)))) (local.get $max64))))
                (local.set $id (i32.add (local.get $id) (i32.const 1)))
                (local.set $p (i32.add (local.get $p) (i32.const 32)))
                (br_if $skip (i32.lt_u (local.get $id) (local.get $end))))
              (br $done))))
        (local.set $j (i32.const 0))
        (local.set $qj (local.get $qs))
        (if (i32.eq (global.get $lanes) (i32.const 4))
          (then
            (local.set $h0 (i64.load (local.get $p)))
            (local.set $h1 (i64.load offset=8 (local.get $p)))
            (local.set $h2 (i64.load offset=16 (local.get $p)))
            (local.set $h3 (i64.load offset=24 (local.get $p)))
            (loop $needle4
              (local.set $d (i32.wrap_i64 (i64.add
                (i64.popcnt (i64.xor (local.get $h0) (i64.load (local.get $qj))))
                (i64.popcnt (i64.xor (local.get $h1) (i64.load offset=8 (local.get $qj)))))))
              (if (i32.le_u (local.get $d) (local.get $max))
                (then
                  (local.set $d (i32.add (local.get $d) (i32.wrap_i64 (i64.add
                    (i64.popcnt (i64.xor (local.get $h2) (i64.load offset=16 (local.get $qj))))
                    (i64.popcnt (i64.xor (local.get $h3) (i64.load offset=24 (local.get $qj))))))))
                  (if (i32.le_u (local.get $d) (local.get $max))
                    (then
                      (i32.store (i32.add (local.get $outIds) (i32.shl (local.get $n) (i32.const 2))) (local.get $id))
                      (i32.store (i32.add (local.get $outDist) (i32.shl (local.get $n) (i32.const 2)))
                        (i32.or (i32.shl (local.get $j) (i32.const 16)) (local.get $d)))
                      (local.set $n (i32.add (local.get $n) (i32.const 1)))))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (local.set $qj (i32.add (local.get $qj) (i32.const 32)))
              (br_if $needle4 (i32.lt_u (local.get $j) (local.get $nq)))))
          (else
            (loop $needleN
              (local.set $d (call $dist (local.get $p) (local.get $qj) (local.get $max)))
              (if (i32.le_u (local.get $d) (local.get $max))
                (then
                  (i32.store (i32.add (local.get $outIds) (i32.shl (local.get $n) (i32.const 2))) (local.get $id))
                  (i32.store (i32.add (local.get $outDist) (i32.shl (local.get $n) (i32.const 2)))
                    (i32.or (i32.shl (local.get $j) (i32.const 16)) (local.get $d)))
                  (local.set $n (i32.add (local.get $n) (i32.const 1)))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (local.set $qj (i32.add (local.get $qj) (global.get $stride)))
              (br_if $needleN (i32.lt_u (local.get $j) (local.get $nq))))))
        (local.set $id (i32.add (local.get $id) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (global.get $stride)))
        (br_if $each (i32.lt_u (local.get $id) (local.get $end)))))
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

  ;; True when some substring before $s of the hashes at $p and $q differs in at most its radius
  ;; (read at $radii): the candidate was then already reported through that substring.
  (func $seenEarlier (param $s i32) (param $p i32) (param $q i32) (param $radii i32) (result i32)
    (local $t i32) (local $r i32) (local $d i32) (local $start i32) (local $bits i32)
    (block $none
      (loop $slot
        (br_if $none (i32.ge_u (local.get $t) (local.get $s)))
        (local.set $r (i32.load (i32.add (local.get $radii) (i32.shl (local.get $t) (i32.const 2)))))
        (if (i32.ge_s (local.get $r) (i32.const 0))
          (then
            (local.set $d (i32.add (global.get $desc) (i32.shl (local.get $t) (i32.const 4))))
            (local.set $start (i32.load (local.get $d)))
            (local.set $bits (i32.and (i32.load offset=4 (local.get $d)) (i32.const 255)))
            (if (i32.le_s
                  (i32.popcnt (i32.xor
                    (call $sub (local.get $p) (local.get $start) (local.get $bits))
                    (call $sub (local.get $q) (local.get $start) (local.get $bits))))
                  (local.get $r))
              (then (return (i32.const 1))))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $slot)))
    (i32.const 0))

  ;; Checks the $nc candidates gathered for substring $s: each within $max of the query is
  ;; reported unless an earlier substring reports it. Returns 0, or -1 when more than $cap hits.
  (func $check (param $s i32) (result i32)
    (local $i i32) (local $end i32) (local $id i32) (local $p i32) (local $d i32) (local $q i32)
    (local $max i32) (local $q0 i64) (local $q1 i64) (local $t i32)
    (local.set $q (global.get $q))
    (local.set $max (global.get $max))
    (local.set $i (global.get $cand))
    (local.set $end (i32.add (global.get $cand) (i32.shl (global.get $nc) (i32.const 2))))
    (global.set $nc (i32.const 0))
    (local.set $q0 (i64.load (local.get $q)))
    (local.set $q1 (i64.load offset=8 (local.get $q)))
    ;; Each candidate's hash is read first in a loop of loads and nothing else (more of them in
    ;; flight than in the checking loop below, which then finds them in cache: about 10% less time
    ;; a query at 10^7).
    (block $touched
      (br_if $touched (i32.ge_u (local.get $i) (local.get $end)))
      (loop $touch
        (local.set $t (i32.xor (local.get $t) (i32.load (i32.add (global.get $packed)
          (i32.mul (i32.load (local.get $i)) (global.get $stride))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br_if $touch (i32.lt_u (local.get $i) (local.get $end))))
      (global.set $touched (i32.xor (global.get $touched) (local.get $t)))
      (local.set $i (global.get $cand)))
    ;; 256-bit hashes (stride 32): a loop that only rejects, on the first 128 bits (one cache
    ;; line), which decide almost every candidate; the rest go through the general loop below.
    (if (i32.eq (global.get $stride) (i32.const 32))
      (then
        (block $done4
          (loop $each4
            (br_if $done4 (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $id (i32.load (local.get $i)))
            (local.set $p (i32.add (global.get $packed) (i32.shl (local.get $id) (i32.const 5))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br_if $each4 (i32.gt_u
              (i32.wrap_i64 (i64.add
                (i64.popcnt (i64.xor (i64.load (local.get $p)) (local.get $q0)))
                (i64.popcnt (i64.xor (i64.load offset=8 (local.get $p)) (local.get $q1)))))
              (local.get $max)))
            (local.set $d (call $dist (local.get $p) (local.get $q) (local.get $max)))
            (br_if $each4 (i32.gt_u (local.get $d) (local.get $max)))
            (br_if $each4 (call $seenEarlier (local.get $s) (local.get $p) (local.get $q) (global.get $radii)))
            (if (i32.ge_u (global.get $n) (global.get $cap)) (then (return (i32.const -1))))
            (i32.store (i32.add (global.get $outIds) (i32.shl (global.get $n) (i32.const 2))) (local.get $id))
            (i32.store (i32.add (global.get $outDist) (i32.shl (global.get $n) (i32.const 2))) (local.get $d))
            (global.set $n (i32.add (global.get $n) (i32.const 1)))
            (br $each4)))
        (return (i32.const 0))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $id (i32.load (local.get $i)))
        (local.set $p (i32.add (global.get $packed) (i32.mul (local.get $id) (global.get $stride))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        ;; 256-bit hashes: the first 128 bits reject almost every candidate (one cache line).
        (if (i32.eq (global.get $lanes) (i32.const 4))
          (then
            (br_if $each (i32.gt_u
              (i32.wrap_i64 (i64.add
                (i64.popcnt (i64.xor (i64.load (local.get $p)) (local.get $q0)))
                (i64.popcnt (i64.xor (i64.load offset=8 (local.get $p)) (local.get $q1)))))
              (local.get $max)))))
        (local.set $d (call $dist (local.get $p) (local.get $q) (local.get $max)))
        (br_if $each (i32.gt_u (local.get $d) (local.get $max)))
        (br_if $each (call $seenEarlier (local.get $s) (local.get $p) (local.get $q) (global.get $radii)))
        (if (i32.ge_u (global.get $n) (global.get $cap)) (then (return (i32.const -1))))
        (i32.store (i32.add (global.get $outIds) (i32.shl (global.get $n) (i32.const 2))) (local.get $id))
        (i32.store (i32.add (global.get $outDist) (i32.shl (global.get $n) (i32.const 2))) (local.get $d))
        (global.set $n (i32.add (global.get $n) (i32.const 1)))
        (br $each)))
    (i32.const 0))

;; Replaces the $np probe values at $ranges (one in the first word of each 8-byte slot) by
  ;; their buckets' (start, end) in the table at $table (encoding $enc; $shift and $rel as $off).
  ;; A loop of independent loads and nothing else, so many table reads are in flight at once
  ;; (the table is far bigger than the caches: each read is a miss). A compact table's two u16
  ;; offsets are read as one u32 (unaligned is fine); the second is relative to its own block.
  (func $bounds (param $table i32) (param $enc i32) (param $shift i32) (param $rel i32) (param $np i32)
    (local $w i32) (local $end i32) (local $v i32) (local $x i32)
    (local.set $w (global.get $ranges))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $np) (i32.const 3))))
    (if (i32.ge_u (local.get $w) (local.get $end)) (then (return)))
    (if (i32.eqz (local.get $enc))
      (then
        (loop $wide
          (local.set $v (i32.add (local.get $table) (i32.shl (i32.load (local.get $w)) (i32.const 2))))
          (i32.store (local.get $w) (i32.load (local.get $v)))
          (i32.store offset=4 (local.get $w) (i32.load offset=4 (local.get $v)))
          (local.set $w (i32.add (local.get $w) (i32.const 8)))
          (br_if $wide (i32.lt_u (local.get $w) (local.get $end))))
        (return)))
    ;; The compact words alone first, in a loop of loads and nothing else (more of them in flight
    ;; than in the loop below, which then finds them in cache: about 5% less time a query at 10^7).
    (loop $ahead
      (local.set $x (i32.xor (local.get $x) (i32.load (i32.add (local.get $rel) (i32.shl (i32.load (local.get $w)) (i32.const 1))))))
      (local.set $w (i32.add (local.get $w) (i32.const 8)))
      (br_if $ahead (i32.lt_u (local.get $w) (local.get $end))))
    (global.set $touched (i32.xor (global.get $touched) (local.get $x)))
    (local.set $w (global.get $ranges))
    (loop $compact
      (local.set $v (i32.load (local.get $w)))
      (local.set $x (i32.load (i32.add (local.get $rel) (i32.shl (local.get $v) (i32.const 1)))))
      (i32.store (local.get $w) (i32.add
        (i32.load (i32.add (local.get $table) (i32.shl (i32.shr_u (local.get $v) (local.get $shift)) (i32.const 2))))
        (i32.and (local.get $x) (i32.const 0xffff))))
      (i32.store offset=4 (local.get $w) (i32.add
        (i32.load (i32.add (local.get $table)
          (i32.shl (i32.shr_u (i32.add (local.get $v) (i32.const 1)) (local.get $shift)) (i32.const 2))))
        (i32.shr_u (local.get $x) (i32.const 16))))
      (local.set $w (i32.add (local.get $w) (i32.const 8)))
      (br_if $compact (i32.lt_u (local.get $w) (local.get $end)))))

  ;; Copies the ids of the $np bucket ranges at $ranges (start, end pairs read by `mih`) into the
  ;; candidates, checking them whenever the buffer fills. 0, -1 (more than $cap hits) or -2 (more
  ;; than $budget candidates in all: a scan is cheaper). The ranges are in cache by now, and so,
  ;; after the reads ahead, are the ids: what costs is a mispredicted branch, so a bucket's first
  ;; two ids are copied without one, and only buckets of three or more ids (a few percent) branch.
  (func $drain (param $s i32) (param $postings i32) (param $np i32) (param $idb i32) (param $idMask i32)
    (result i32)
    (local $r i32) (local $end i32) (local $i i32) (local $last i32) (local $o i32) (local $oEnd i32)
    (local $budget i32) (local $touch i32) (local $c i32)
    (local.set $r (global.get $ranges))
    (local.set $end (i32.add (global.get $ranges) (i32.shl (local.get $np) (i32.const 3))))
    ;; the write position and the budget live in locals here (globals are memory), written back
    ;; before $check runs and on the way out
    (local.set $o (i32.add (global.get $cand) (i32.shl (global.get $nc) (i32.const 2))))
    (local.set $oEnd (i32.add (global.get $cand) (i32.shl (global.get $candCap) (i32.const 2))))
    (local.set $budget (global.get $budget))
    ;; First the first id of every non-empty bucket is read, in a loop of independent loads with
    ;; no branch on them (an empty bucket reads its range instead, in cache), so those postings
    ;; reads are in flight together; the copy below then finds them in cache (about 5% less time
    ;; a query at 10^7 hashes: bench/kernel-ab.ts).
    (block $touched
      (br_if $touched (i32.ge_u (local.get $r) (local.get $end)))
      (loop $touch
        (local.set $i (i32.load (local.get $r)))
        (local.set $touch (i32.xor (local.get $touch) (i32.load (select
          (i32.add (local.get $postings) (i32.mul (local.get $i) (local.get $idb)))
          (local.get $r)
          (i32.lt_u (local.get $i) (i32.load offset=4 (local.get $r)))))))
        (local.set $r (i32.add (local.get $r) (i32.const 8)))
        (br_if $touch (i32.lt_u (local.get $r) (local.get $end))))
      (global.set $touched (local.get $touch))
      (local.set $r (global.get $ranges)))
    (block $done
      (loop $range
        (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
        (local.set $i (i32.load (local.get $r)))
        (local.set $last (i32.load offset=4 (local.get $r)))
        (local.set $r (i32.add (local.get $r) (i32.const 8)))
        (local.set $c (i32.sub (local.get $last) (local.get $i)))
        (local.set $budget (i32.sub (local.get $budget) (local.get $c)))
        (if (i32.lt_s (local.get $budget) (i32.const 0)) (then (return (i32.const -2))))
        (if (i32.gt_u (i32.add (local.get $o) (i32.const 8)) (local.get $oEnd))
          (then
            (global.set $nc (i32.shr_u (i32.sub (local.get $o) (global.get $cand)) (i32.const 2)))
            (if (i32.lt_s (call $check (local.get $s)) (i32.const 0)) (then (return (i32.const -1))))
            (local.set $o (global.get $cand))))
        ;; the first two ids of every bucket without a branch on how many it has (0, 1 or 2 at
        ;; these sizes, a coin toss): a missing one is read from the ranges and not kept
        (local.set $i (i32.add (local.get $postings) (i32.mul (local.get $i) (local.get $idb))))
        (i32.store (local.get $o) (i32.and (i32.load (select (local.get $i) (local.get $r)
          (i32.gt_s (local.get $c) (i32.const 0)))) (local.get $idMask)))
        (i32.store offset=4 (local.get $o) (i32.and (i32.load (select (i32.add (local.get $i) (local.get $idb)) (local.get $r)
          (i32.gt_s (local.get $c) (i32.const 1)))) (local.get $idMask)))
        (local.set $o (i32.add (local.get $o) (i32.shl
          (select (local.get $c) (i32.const 2) (i32.lt_u (local.get $c) (i32.const 2))) (i32.const 2))))
        (br_if $range (i32.le_u (local.get $c) (i32.const 2)))
        (local.set $i (i32.add (local.get $i) (i32.shl (local.get $idb) (i32.const 1))))
        (local.set $last (i32.add (local.get $postings) (i32.mul (local.get $last) (local.get $idb))))
        (loop $copy
          (if (i32.eq (local.get $o) (local.get $oEnd))
            (then
              (global.set $nc (global.get $candCap))
              (if (i32.lt_s (call $check (local.get $s)) (i32.const 0)) (then (return (i32.const -1))))
              (local.set $o (global.get $cand))))
          (i32.store (local.get $o) (i32.and (i32.load (local.get $i)) (local.get $idMask)))
          (local.set $o (i32.add (local.get $o) (i32.const 4)))
          (local.set $i (i32.add (local.get $i) (local.get $idb)))
          (br_if $copy (i32.lt_u (local.get $i) (local.get $last))))
        (br $range)))
    (global.set $budget (local.get $budget))
    (global.set $nc (i32.shr_u (i32.sub (local.get $o) (global.get $cand)) (i32.const 2)))
    (i32.const 0))

  ;; Multi-index hashing query over the tabled ids: in every substring s with radii[s] >= 0,
  ;; reads the bucket bounds of each value within radii[s] bit flips of the query's (no branch
  ;; waits on those reads, so many are in flight at once), then gathers the ids of those buckets,
  ;; then checks each candidate's full distance, reporting each match once (through the first
  ;; substring that finds it). $cand holds $candCap u32; $ranges holds $rangeCap (start, end)
  ;; pairs. Returns the number of hits, -1 when more than $cap, -2 when more than $budget candidates.
  (func (export "mih")
    (param $q i32) (param $max i32) (param $radii i32) (param $cand i32) (param $candCap i32)
    (param $ranges i32) (param $rangeCap i32)
    (param $budget i32) (param $outIds i32) (param $outDist i32) (param $cap i32) (result i32)
    (local $s i32) (local $d i32) (local $r i32) (local $bits i32) (local $offsets i32)
    (local $postings i32) (local $qv i32) (local $k i32) (local $mask i32) (local $c i32)
    (local $t i32) (local $top i32) (local $res i32) (local $np i32) (local $w i32) (local $v i32)
    (local $enc i32) (local $shift i32) (local $rel i32) (local $idb i32) (local $idMask i32)
    (global.set $q (local.get $q))
    (global.set $max (local.get $max))
    (global.set $radii (local.get $radii))
    (global.set $cand (local.get $cand))
    (global.set $candCap (local.get $candCap))
    (global.set $ranges (local.get $ranges))
    (global.set $nc (i32.const 0))
    (global.set $budget (local.get $budget))
    (global.set $outIds (local.get $outIds))
    (global.set $outDist (local.get $outDist))
    (global.set $cap (local.get $cap))
    (global.set $n (i32.const 0))
    (block $slotsDone
      (loop $slot
        (br_if $slotsDone (i32.ge_u (local.get $s) (global.get $subs)))
        (local.set $r (i32.load (i32.add (local.get $radii) (i32.shl (local.get $s) (i32.const 2)))))
        (if (i32.ge_s (local.get $r) (i32.const 0))
          (then
            (local.set $d (i32.add (global.get $desc) (i32.shl (local.get $s) (i32.const 4))))
            (local.set $bits (i32.and (i32.load offset=4 (local.get $d)) (i32.const 255)))
            (local.set $enc (i32.and (i32.shr_u (i32.load offset=4 (local.get $d)) (i32.const 8)) (i32.const 1)))
            ;; 3 bytes per id with encoding bit 1 (masked to 24 bits), else 4
            (local.set $idb (i32.sub (i32.const 4)
              (i32.and (i32.shr_u (i32.load offset=4 (local.get $d)) (i32.const 9)) (i32.const 1))))
            (local.set $idMask (i32.shr_u (i32.const -1) (i32.shl (i32.sub (i32.const 4) (local.get $idb)) (i32.const 3))))
            (local.set $offsets (i32.load offset=8 (local.get $d)))
            (local.set $postings (i32.load offset=12 (local.get $d)))
            (local.set $shift (select (local.get $bits) (i32.const 8) (i32.lt_u (local.get $bits) (i32.const 8))))
            (local.set $rel (i32.add (local.get $offsets)
              (i32.shl (i32.add (i32.shl (i32.const 1) (i32.sub (local.get $bits) (local.get $shift))) (i32.const 1))
                (i32.const 2))))
            (local.set $qv (call $sub (local.get $q) (i32.load (local.get $d)) (local.get $bits)))
            (local.set $top (i32.shl (i32.const 1) (local.get $bits)))
            ;; k = 0: the query's own value. The values go in the first word of each range slot;
            ;; $bounds replaces them by their buckets' bounds before $drain reads them.
            (i32.store (local.get $ranges) (local.get $qv))
            (local.set $np (i32.const 1))
            (local.set $w (i32.add (local.get $ranges) (i32.const 8)))
            ;; k = 1..min(r, bits): every $bits-bit mask with k bits set, in increasing order
            ;; (Gosper's hack; the division by the lowest set bit is a shift).
            (local.set $k (i32.const 1))
            (block $levelsDone
              (loop $level
                (br_if $levelsDone (i32.gt_s (local.get $k) (local.get $r)))
                (br_if $levelsDone (i32.gt_u (local.get $k) (local.get $bits)))
                (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $k)) (i32.const 1)))
                (loop $masks
                  (if (i32.eq (local.get $np) (local.get $rangeCap))
                    (then
                      (call $bounds (local.get $offsets) (local.get $enc) (local.get $shift) (local.get $rel) (local.get $np))
                      (local.set $res (call $drain (local.get $s) (local.get $postings) (local.get $np) (local.get $idb) (local.get $idMask)))
                      (if (i32.lt_s (local.get $res) (i32.const 0)) (then (return (local.get $res))))
                      (local.set $np (i32.const 0))
                      (local.set $w (local.get $ranges))))
                  (i32.store (local.get $w) (i32.xor (local.get $qv) (local.get $mask)))
                  (local.set $w (i32.add (local.get $w) (i32.const 8)))
                  (local.set $np (i32.add (local.get $np) (i32.const 1)))
                  (local.set $c (i32.ctz (local.get $mask)))
                  (local.set $t (i32.add (local.get $mask) (i32.shl (i32.const 1) (local.get $c))))
                  (local.set $mask (i32.or
                    (i32.shr_u (i32.shr_u (i32.xor (local.get $t) (local.get $mask)) (i32.const 2)) (local.get $c))
                    (local.get $t)))
                  (br_if $masks (i32.lt_u (local.get $mask) (local.get $top))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $level)))
            (call $bounds (local.get $offsets) (local.get $enc) (local.get $shift) (local.get $rel) (local.get $np))
            (local.set $res (call $drain (local.get $s) (local.get $postings) (local.get $np) (local.get $idb) (local.get $idMask)))
            (if (i32.lt_s (local.get $res) (i32.const 0)) (then (return (local.get $res))))
            (if (i32.lt_s (call $check (local.get $s)) (i32.const 0)) (then (return (i32.const -1))))))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $slot)))
    (global.get $n))

  ;; True when some substring before $s is within its radius of the query on the mask's bits.
  (func $seenEarlierMasked (param $s i32) (param $p i32) (param $q i32) (param $m i32) (param $radii i32)
    (result i32)
    (local $t i32) (local $r i32) (local $d i32) (local $start i32) (local $bits i32)
    (block $none
      (loop $slot
        (br_if $none (i32.ge_u (local.get $t) (local.get $s)))
        (local.set $r (i32.load (i32.add (local.get $radii) (i32.shl (local.get $t) (i32.const 2)))))
        (if (i32.ge_s (local.get $r) (i32.const 0))
          (then
            (local.set $d (i32.add (global.get $desc) (i32.shl (local.get $t) (i32.const 4))))
            (local.set $start (i32.load (local.get $d)))
            (local.set $bits (i32.and (i32.load offset=4 (local.get $d)) (i32.const 255)))
            (if (i32.le_s
                  (i32.popcnt (i32.and
                    (i32.xor
                      (call $sub (local.get $p) (local.get $start) (local.get $bits))
                      (call $sub (local.get $q) (local.get $start) (local.get $bits)))
                    (call $sub (local.get $m) (local.get $start) (local.get $bits))))
                  (local.get $r))
              (then (return (i32.const 1))))))
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

  ;; Multi-index hashing for a masked query: substring by substring, probes the values listed at
  ;; $probes ($counts holds one u32 count per substring, the values follow one another), keeps
  ;; each id within $max of the query at $q and within $maskMax of it on the bits of the mask at
  ;; $m, and reports it once (through the first substring s where it is within radii[s] on that
  ;; substring's masked bits; the caller lists every value that is). Returns the number of hits,
  ;; or -1 when more than $cap.
  (func (export "mihMasked")
    (param $q i32) (param $m i32) (param $max i32) (param $maskMax i32) (param $radii i32)
    (param $probes i32) (param $counts i32)
    (param $outIds i32) (param $outDist i32) (param $cap i32) (result i32)
    (local $s i32) (local $k i32) (local $kEnd i32) (local $v i32) (local $table i32) (local $i i32)
    (local $endI i32) (local $list i32) (local $id i32) (local $p i32) (local $d i32) (local $n i32)
    (local $desc i32) (local $bits i32) (local $enc i32) (local $shift i32) (local $rel i32)
    (local $idb i32) (local $idMask i32)
    (block $slotsDone
      (loop $slot
        (br_if $slotsDone (i32.ge_u (local.get $s) (global.get $subs)))
        (local.set $kEnd (i32.add (local.get $k)
          (i32.load (i32.add (local.get $counts) (i32.shl (local.get $s) (i32.const 2))))))
        (local.set $desc (i32.add (global.get $desc) (i32.shl (local.get $s) (i32.const 4))))
        (local.set $list (i32.load offset=12 (local.get $desc)))
        (local.set $table (i32.load offset=8 (local.get $desc)))
        (local.set $bits (i32.and (i32.load offset=4 (local.get $desc)) (i32.const 255)))
        (local.set $enc (i32.and (i32.shr_u (i32.load offset=4 (local.get $desc)) (i32.const 8)) (i32.const 1)))
        (local.set $idb (i32.sub (i32.const 4)
          (i32.and (i32.shr_u (i32.load offset=4 (local.get $desc)) (i32.const 9)) (i32.const 1))))
        (local.set $idMask (i32.shr_u (i32.const -1) (i32.shl (i32.sub (i32.const 4) (local.get $idb)) (i32.const 3))))
        (local.set $shift (select (local.get $bits) (i32.const 8) (i32.lt_u (local.get $bits) (i32.const 8))))
        (local.set $rel (i32.add (local.get $table)
          (i32.shl (i32.add (i32.shl (i32.const 1) (i32.sub (local.get $bits) (local.get $shift))) (i32.const 1))
            (i32.const 2))))
        (block $valuesDone
          (loop $value
            (br_if $valuesDone (i32.ge_u (local.get $k) (local.get $kEnd)))
            (local.set $v (i32.load (i32.add (local.get $probes) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $i (call $off (local.get $table) (local.get $enc) (local.get $shift) (local.get $rel) (local.get $v)))
            (local.set $endI (call $off (local.get $table) (local.get $enc) (local.get $shift) (local.get $rel)
              (i32.add (local.get $v) (i32.const 1))))
            (block $candsDone
              (loop $cand
                (br_if $candsDone (i32.ge_u (local.get $i) (local.get $endI)))
                (local.set $id (i32.and (i32.load (i32.add (local.get $list) (i32.mul (local.get $i) (local.get $idb))))
                  (local.get $idMask)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (local.set $p (i32.add (global.get $packed) (i32.mul (local.get $id) (global.get $stride))))
                (local.set $d (call $dist (local.get $p) (local.get $q) (local.get $max)))
                (br_if $cand (i32.gt_u (local.get $d) (local.get $max)))
                (br_if $cand (i32.gt_u
                  (call $maskedDist (local.get $p) (local.get $q) (local.get $m) (local.get $maskMax))
                  (local.get $maskMax)))
                (br_if $cand (call $seenEarlierMasked
                  (local.get $s) (local.get $p) (local.get $q) (local.get $m) (local.get $radii)))
                (if (i32.ge_u (local.get $n) (local.get $cap)) (then (return (i32.const -1))))
                (i32.store (i32.add (local.get $outIds) (i32.shl (local.get $n) (i32.const 2))) (local.get $id))
                (i32.store (i32.add (local.get $outDist) (i32.shl (local.get $n) (i32.const 2))) (local.get $d))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))
                (br $cand)))
            (br $value)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $slot)))
    (local.get $n))
)
