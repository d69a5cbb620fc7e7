/**
 * The sampling pattern of the binary descriptor: 256 pairs of points in a disc around the
 * keypoint, each pair one bit ("is the first point darker than the second?").
 *
 * Candidates: {@link POOL_SIZE} pairs drawn as the BRIEF paper's best layout, both points from an
 * isotropic Gaussian around the keypoint (standard deviation a fifth of the 31 px patch), points
 * outside the disc of radius {@link PATTERN_RADIUS} drawn again (so a pattern turned to any angle
 * stays inside the patch), pairs closer than one pixel drawn again (a test between nearly the same
 * pixel is noise); from {@link PATTERN_SEED} by mulberry32 and Box-Muller.
 *
 * Selection ({@link SELECTED_TESTS}): once tests are turned to the keypoint's orientation most
 * random ones become predictable (the centroid sets which side of the patch is brighter: a test
 * across that axis is nearly always 1), which wastes bits and fills a few lookup buckets with
 * most descriptors. As ORB does (rBRIEF, from the paper's description), the 256 kept are chosen
 * greedily on training keypoints: by how close their mean is to 1/2, skipping any correlated with
 * one already kept. `npx tsx bench/feature-pattern.ts` made the table from the development
 * corpus and the fixture photos (not the held-out corpus). Nothing is copied from another
 * implementation; changing the seed, the pool or the table changes every stored descriptor
 * (FEATURES_VERSION).
 */

/** Bits per descriptor: 256, the size of a PDQ hash, so descriptors pack like hashes. */
export const DESCRIPTOR_BITS = 256;
/** 32-bit words per descriptor. */
export const DESCRIPTOR_WORDS: number = DESCRIPTOR_BITS / 32;
/** Largest distance of a pattern point from the keypoint, in pixels of its pyramid level. */
export const PATTERN_RADIUS = 15;
/** Standard deviation of the point distribution: patch size (2 * 15 + 1 = 31) / 5. */
export const PATTERN_SIGMA: number = (2 * PATTERN_RADIUS + 1) / 5;
/** Seed of the candidate pool ("impr"). */
export const PATTERN_SEED = 0x696d7072;
/** Candidate tests drawn; {@link SELECTED_TESTS} picks the descriptor's 256 among them. */
export const POOL_SIZE = 2048;

/** mulberry32: a small seeded generator of floats in [0, 1). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The pattern: `DESCRIPTOR_BITS` pairs as [x1, y1, x2, y2] (pixels, y down), generated once.
 *
 * @example
 * ```ts
 * const [x1, y1, x2, y2] = samplingPattern().subarray(0, 4); // the first bit's pair
 * ```
 */
export function samplingPattern(): Float32Array {
  if (!cached) {
    const pool = generatePattern(PATTERN_SEED, POOL_SIZE);
    cached = new Float32Array(DESCRIPTOR_BITS * 4);
    SELECTED_TESTS.forEach((t, i) => {
      cached!.set(pool.subarray(4 * t, 4 * t + 4), 4 * i);
    });
  }
  return cached;
}
let cached: Float32Array | undefined;

/** Draws `count` random tests from a seed, as [x1, y1, x2, y2] each (the candidate pool). */
export function generatePattern(seed: number, count: number): Float32Array {
  const random = generator(seed);
  const gaussian = (): number => {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const point = (): [number, number] => {
    for (;;) {
      const x = gaussian() * PATTERN_SIGMA;
      const y = gaussian() * PATTERN_SIGMA;
      if (x * x + y * y <= PATTERN_RADIUS * PATTERN_RADIUS) return [x, y];
    }
  };
  const out = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) {
    let a: [number, number];
    let b: [number, number];
    do {
      a = point();
      b = point();
    } while (Math.hypot(a[0] - b[0], a[1] - b[1]) < 1);
    out.set([a[0], a[1], b[0], b[1]], 4 * i);
  }
  return out;
}

/**
 * Indices into the candidate pool of the 256 tests kept, in descriptor bit order (written by
 * bench/feature-pattern.ts).
 */
export const SELECTED_TESTS: readonly number[] = [
  1402, 1974, 1229, 565, 1390, 621, 1505, 1891, 947, 1533, 1672, 645, 1903, 105, 1479, 317, 464, 20, 1585,
  807, 556, 1969, 1681, 1798, 113, 1067, 1222, 1689, 1666, 820, 1515, 1956, 1851, 630, 1199, 1291, 307, 1459,
  407, 62, 1879, 516, 522, 798, 1815, 1854, 553, 903, 2035, 30, 740, 663, 150, 816, 1287, 864, 1186, 320,
  1727, 1178, 245, 1713, 1758, 575, 842, 275, 1156, 390, 1251, 989, 1398, 1786, 1135, 1048, 1316, 1358, 225,
  566, 1235, 851, 701, 1944, 383, 448, 1818, 424, 646, 1875, 1866, 1570, 1362, 1844, 1739, 1161, 1496, 779,
  718, 527, 1457, 283, 1019, 843, 1382, 835, 1201, 178, 1600, 956, 815, 653, 38, 1020, 1285, 769, 539, 1376,
  1086, 1603, 905, 1605, 2001, 193, 1003, 1911, 1656, 896, 826, 1680, 1238, 1916, 1360, 257, 1322, 1662, 712,
  1271, 689, 1833, 938, 1573, 0, 936, 1274, 1814, 1640, 529, 106, 352, 914, 975, 1831, 220, 1109, 1284, 620,
  1217, 1292, 2022, 449, 441, 78, 1607, 1353, 1828, 1636, 1577, 1439, 1591, 608, 1213, 1701, 2034, 1114, 2040,
  1804, 755, 1581, 439, 23, 879, 437, 1097, 1772, 376, 61, 270, 1688, 601, 1816, 1092, 1512, 1138, 1008, 444,
  1094, 945, 2029, 229, 698, 1389, 1159, 1635, 1968, 1679, 1245, 194, 752, 609, 310, 1065, 371, 1033, 1247,
  1643, 8, 1669, 277, 312, 324, 659, 983, 691, 478, 627, 772, 287, 251, 1011, 925, 1427, 1725, 131, 1317,
  1981, 1478, 1214, 1904, 1730, 1472, 992, 1361, 1269, 232, 1797, 1929, 342, 1115, 389, 1485, 1326, 1259,
  1876, 1528, 1001, 1468, 1319,
];
