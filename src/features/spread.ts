/**
 * Choosing which corners to keep: the strongest by Harris response, but spread over the picture.
 * Ranked globally, a busy corner of the picture (foliage, text) would take every slot and a copy
 * cropped or covered there would keep none; so the level is cut into cells and the cells take
 * turns: every cell's best corner first (strongest first), then every cell's second best, ...
 */

/** A candidate corner: its position on its level and its Harris response. */
export interface Candidate {
  readonly x: number;
  readonly y: number;
  readonly response: number;
}

/**
 * Up to `count` candidates, taken round by round from cells of `cell` x `cell` pixels (best of
 * each cell in the first round, ...), within a round strongest first. Ties keep input order.
 *
 * @example
 * ```ts
 * const kept = spreadStrongest(corners, 100, 32);
 * ```
 */
export function spreadStrongest<C extends Candidate>(
  candidates: readonly C[],
  count: number,
  cell: number,
): C[] {
  if (count <= 0) return [];
  const n = candidates.length;
  const cellOf = new Float64Array(n);
  const response = new Float64Array(n);
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = candidates[i]!;
    cellOf[i] = Math.floor(c.y / cell) * 65536 + Math.floor(c.x / cell);
    response[i] = c.response;
    order[i] = i;
  }
  // Each candidate's rank within its cell: the candidates sorted by cell, then strongest first
  // (ties in input order), numbered from 0 in each cell.
  order.sort((a, b) => cellOf[a]! - cellOf[b]! || response[b]! - response[a]! || a - b);
  const rank = new Int32Array(n);
  const perRank: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const r = k > 0 && cellOf[order[k - 1]!] === cellOf[i] ? rank[order[k - 1]!]! + 1 : 0;
    rank[i] = r;
    perRank[r] = (perRank[r] ?? 0) + 1;
  }
  // Then (rank, -response, input order) decides; only the ranks that reach `count` are sorted.
  let last = 0;
  for (let taken = perRank[0] ?? 0; taken < count && last + 1 < perRank.length; ) taken += perRank[++last]!;
  const chosen: number[] = [];
  for (let i = 0; i < n; i++) if (rank[i]! <= last) chosen.push(i);
  chosen.sort((a, b) => rank[a]! - rank[b]! || response[b]! - response[a]! || a - b);
  if (chosen.length > count) chosen.length = count;
  return chosen.map((i) => candidates[i]!);
}
