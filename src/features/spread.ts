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
  const cells = new Map<number, { c: C; order: number }[]>();
  candidates.forEach((c, order) => {
    const key = Math.floor(c.y / cell) * 65536 + Math.floor(c.x / cell);
    const list = cells.get(key);
    if (list) list.push({ c, order });
    else cells.set(key, [{ c, order }]);
  });
  // Each candidate's rank within its cell, then (rank, -response, input order) decides.
  const ranked: { c: C; order: number; rank: number }[] = [];
  for (const list of cells.values()) {
    list.sort((a, b) => b.c.response - a.c.response || a.order - b.order);
    list.forEach((e, rank) => {
      ranked.push({ ...e, rank });
    });
  }
  ranked.sort((a, b) => a.rank - b.rank || b.c.response - a.c.response || a.order - b.order);
  return ranked.slice(0, count).map((e) => e.c);
}
