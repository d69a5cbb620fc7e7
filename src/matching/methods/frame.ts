/**
 * Finding the picture inside a frame: uniform borders, letterbox bars, caption bars, and the
 * chrome of a screenshot (status bar, header, user line, caption, icons). The frame is peeled off
 * one line at a time from each side while the outermost line "looks like frame":
 *
 * - a near-uniform line (at least {@link UNIFORM_SHARE} of its pixels within {@link COLOUR_TOLERANCE}
 *   of its median colour) starts or continues a frame layer of that colour, or
 * - a line mostly (at least {@link LAYER_SHARE}) in the colour of the layer being peeled continues
 *   it: text and small icons on a caption bar or a screenshot background cover less than that,
 *   unless most of it changed at once from the line before: that is a picture's edge, even when
 *   the picture is within the colour tolerance of the frame (dark on a dark background).
 *
 * Pictures whose own edges are flat (a clear sky) get peeled too; that is why the methods hash
 * both the trimmed and the untrimmed image, and trim the known images the same way.
 */
import type { PixelImage } from '../../core/pixels.js';
import type { Box } from '../../core/raster.js';
import { pooledBuffer } from './pdq-views.js';
import { stepMapsWasm } from './wasm/plane-wasm.js';

/** Largest per-channel difference for a pixel to count as "the line's colour". */
export const COLOUR_TOLERANCE = 14;
/**
 * Smallest per-channel change that counts at an edge. Lower than the colour tolerance so a dark
 * picture still stands out from a black bar; adjacent lines of a smooth gradient change far less.
 */
export const EDGE_TOLERANCE = 6;
/** Share of a line in one colour for it to count as uniform. */
export const UNIFORM_SHARE = 0.95;
/** Share of a line in one colour for it to start a frame layer (text may start right away). */
export const START_SHARE = 0.85;
/** Share of a line in the current layer's colour for it to continue the layer (text on a bar). */
export const LAYER_SHARE = 0.8;
/**
 * A layer ends at an edge when at least this share of the next line changed from the layer's last
 * line (the picture need not span the whole line: a screenshot has margins)...
 */
export const EDGE_SHARE = 0.5;
/**
 * ...and the change is abrupt: at least this share of the next line's pixels that are not in the
 * layer's colour changed at once. A sky or a gradient drifts out of the colour a little per line.
 */
export const EDGE_ABRUPT = 0.75;
/** Least share of the layer's colour in every line of a band of text. */
export const BAND_SHARE = 0.3;
/** Lines given up inside every peeled side, past the edge (see findPictureBox). */
export const EDGE_INSET = 1;
/** Longest band of text inside a layer, as a share of the box side. */
export const MAX_BAND_SHARE = 0.12;
/** Lines over which that change may be spread (a resampled edge is blurred). */
export const EDGE_WIDTH = 3;
/**
 * Peeling stops when a side of the box would fall below this share of the image's side. It stops
 * rather than giving up, so that a flat picture is cut the same way with and without a frame.
 */
export const MIN_SIDE_SHARE = 0.25;

/** Lines outside a found edge (and the edge line itself) whose share of frame is measured. */
export const REFINE_LINES = 2;
/** Least difference (summed over channels) between a picture pixel and the frame colour for it to measure the blend. */
export const REFINE_CONTRAST = 24;

type Side = 'top' | 'bottom' | 'left' | 'right';
const SIDES: readonly Side[] = ['top', 'bottom', 'left', 'right'];

/**
 * The box of the picture inside a frame, or undefined when there is no frame to remove. `rounds`
 * limits how many times each side is peeled (1 = the outermost layer only: a plain border or bar).
 *
 * @example
 * ```ts
 * const box = findPictureBox(screenshotPixels);
 * const picture = box ? cropTo(screenshotPixels, box) : screenshotPixels;
 * ```
 */
export function findPictureBox(
  image: PixelImage,
  rounds: number = Number.POSITIVE_INFINITY,
): Box | undefined {
  return peelLayers(image, rounds).found.at(-1);
}

/**
 * Where the picture may be, in one pass: inside every layer of a frame (`all`), inside its
 * outermost layer only (`outer`), before the last round of peeling when there were more than two
 * (`previous`), and inside the layers of the frame's main colour only (`canvas`, see canvasBox).
 * Each is undefined when there is no frame (or no such round).
 *
 * @example
 * ```ts
 * const { all, outer, previous, canvas } = findPictureBoxes(uploadPixels);
 * ```
 */
export function findPictureBoxes(image: PixelImage): {
  all: Box | undefined;
  outer: Box | undefined;
  previous: Box | undefined;
  canvas: Box | undefined;
  edges: Box | undefined;
} {
  const peeled = findPeeledBoxes(image);
  const edges = findEdgeBox(image);
  return { ...withEdgeBox(peeled, edges), edges };
}

/** findPictureBoxes without the edge-found box: the boxes peeling finds. */
export function findPeeledBoxes(image: PixelImage): {
  all: Box | undefined;
  outer: Box | undefined;
  previous: Box | undefined;
  canvas: Box | undefined;
} {
  const { found: boxes, layers } = peelLayers(image, Number.POSITIVE_INFINITY);
  return {
    all: boxes.at(-1),
    outer: boxes[0],
    previous: boxes.length > 2 ? boxes.at(-2) : undefined,
    canvas: canvasBox(image, layers),
  };
}

/**
 * The peeled boxes with the edge-found one among them, so that every caller cutting out the
 * peeled boxes (the trim views, upload and known image alike) cuts it out too: in place of `all`
 * when peeling found nothing, else in the first of `previous`, `canvas`, `outer` that is empty or
 * repeats an earlier box (they are cut out in that order, duplicates dropped), else in place of
 * `previous`. Unchanged when the edge box is one of them already.
 */
function withEdgeBox(
  peeled: {
    all: Box | undefined;
    outer: Box | undefined;
    previous: Box | undefined;
    canvas: Box | undefined;
  },
  edges: Box | undefined,
): { all: Box | undefined; outer: Box | undefined; previous: Box | undefined; canvas: Box | undefined } {
  const same = (a: Box | undefined, b: Box | undefined): boolean =>
    !!a && !!b && a.left === b.left && a.top === b.top && a.width === b.width && a.height === b.height;
  const { all, previous, canvas, outer } = peeled;
  if (!edges || [all, previous, canvas, outer].some((b) => same(b, edges))) return peeled;
  if (!all) return { ...peeled, all: edges };
  const order = ['previous', 'canvas', 'outer'] as const;
  const earlier: (Box | undefined)[] = [all];
  for (const slot of order) {
    const box = peeled[slot];
    if (!box || earlier.some((b) => same(b, box))) return { ...peeled, [slot]: edges };
    earlier.push(box);
  }
  return { ...peeled, previous: edges };
}

/** One peeled layer: its side, the box edge after it, its colour and its area in pixels. */
interface Layer {
  readonly side: Side;
  readonly edge: number;
  readonly colour: readonly number[];
  readonly area: number;
}

function peelLayers(image: PixelImage, rounds: number): { found: Box[]; layers: Layer[] } {
  const box = { top: 0, bottom: image.height, left: 0, right: image.width }; // bottom/right exclusive
  const minHeight = Math.max(8, Math.ceil(image.height * MIN_SIDE_SHARE));
  const minWidth = Math.max(8, Math.ceil(image.width * MIN_SIDE_SHARE));
  const found: Box[] = [];
  const layers: Layer[] = [];
  // A side that cannot be peeled now may become peelable once the others are (a header bar
  // crosses the left margin until the top is peeled), so go round until nothing changes.
  let changed = true;
  for (let round = 0; changed && round < rounds; round++) {
    changed = false;
    for (const side of SIDES) {
      const horizontal = side === 'top' || side === 'bottom';
      const { depth, colour } = peelLayer(image, box, side, horizontal ? minHeight : minWidth);
      if (depth === 0) continue;
      if (side === 'top') box.top += depth;
      else if (side === 'bottom') box.bottom -= depth;
      else if (side === 'left') box.left += depth;
      else box.right -= depth;
      const length = horizontal ? box.right - box.left : box.bottom - box.top;
      layers.push({ side, edge: box[side], colour, area: depth * length });
      changed = true;
    }
    if (changed) found.push(insetBox(box, image));
  }
  return { found, layers };
}

/**
 * The box inside the layers of the frame's main colour only (the colour covering the most peeled
 * area: a screenshot's background), each side stopping after its last layer of that colour; a
 * side with no such layer keeps all its layers. Layers peeled inside the background are usually
 * the picture's own flat strips. Undefined when there was no frame.
 */
function canvasBox(image: PixelImage, layers: readonly Layer[]): Box | undefined {
  if (layers.length === 0) return undefined;
  let main = layers[0]!.colour;
  let best = -1;
  for (const candidate of layers) {
    const area = layers
      .filter((l) => !colourMoved(l.colour, candidate.colour))
      .reduce((sum, l) => sum + l.area, 0);
    if (area > best) {
      best = area;
      main = candidate.colour;
    }
  }
  const box = { top: 0, bottom: image.height, left: 0, right: image.width };
  for (const side of SIDES) {
    const own = layers.filter((l) => l.side === side);
    const last = own.filter((l) => !colourMoved(l.colour, main)).at(-1) ?? own.at(-1);
    if (last) box[side] = last.edge;
  }
  return insetBox(box, image);
}

/**
 * The box as reported: a stray line of frame colour moves a low-contrast picture's hash far more
 * than a lost line of picture does, so step past the blended edge on every side that was peeled.
 */
function insetBox(box: { top: number; bottom: number; left: number; right: number }, image: PixelImage): Box {
  const inset = (peeled: boolean): number => (peeled ? EDGE_INSET : 0);
  const top = box.top + inset(box.top > 0);
  const left = box.left + inset(box.left > 0);
  const bottom = box.bottom - inset(box.bottom < image.height);
  const right = box.right - inset(box.right < image.width);
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * The box with every framed side moved to where the picture really starts, to a fraction of a
 * pixel. A resized screenshot puts the picture's edge between pixels: the lines there are a blend
 * of frame and picture, and a box rounded either way keeps a stray line of frame or loses one of
 * picture, which moves a smooth picture's hash some 20 bits. For the last {@link REFINE_LINES}
 * lines outside the box and its first line inside, the share of frame in the line is measured
 * against the frame colour (further out) and the picture (further in), and the edge placed at
 * their sum. Sides the box touches, or too close to the image's edge to measure, are kept.
 *
 * @example
 * ```ts
 * const box = findPictureBox(upload);
 * const exact = box && refineBox(upload, box); // cut out with resampleWindow
 * ```
 */
export function refineBox(image: PixelImage, box: Box): Box {
  const depth: Record<Side, number> = {
    top: box.top,
    bottom: image.height - box.top - box.height,
    left: box.left,
    right: image.width - box.left - box.width,
  };
  const edge = { ...depth };
  for (const side of SIDES) {
    const horizontal = side === 'top' || side === 'bottom';
    const inside = depth[side]; // the box's first line, counted from the image's edge
    const lines = Math.min(REFINE_LINES, inside - 1);
    const picture = inside + 2; // a line of picture past the blend, still inside the box
    const [from, along, across] = horizontal
      ? [box.left, box.width, box.height]
      : [box.top, box.height, box.width];
    if (lines < 1 || picture >= inside + across) continue;
    const frame = lineOf(image, side, inside - lines - 1, from, from + along);
    const colour = medianColour(frame, image.channels >= 3 ? 3 : 1);
    let at = inside - lines;
    for (let line = inside - lines; line <= inside; line++) {
      at += frameShare(image, side, line, colour, picture, from, from + along);
    }
    edge[side] = at;
  }
  return {
    left: edge.left,
    top: edge.top,
    width: image.width - edge.right - edge.left,
    height: image.height - edge.bottom - edge.top,
  };
}

/** Colour samples of the line `line` lines in from the image's `side`, from `from` to `to` along it. */
function lineOf(image: PixelImage, side: Side, line: number, from: number, to: number): Uint8Array {
  if (side === 'top') return readRow(image, line, from, to);
  if (side === 'bottom') return readRow(image, image.height - 1 - line, from, to);
  if (side === 'left') return readColumn(image, line, from, to);
  return readColumn(image, image.width - 1 - line, from, to);
}

/** Sample `c` at position `along` of the line `line` lines in from the image's `side`. */
function sampleAt(image: PixelImage, side: Side, line: number, along: number, c: number): number {
  const x = side === 'left' ? line : side === 'right' ? image.width - 1 - line : along;
  const y = side === 'top' ? line : side === 'bottom' ? image.height - 1 - line : along;
  return image.data[(y * image.width + x) * image.channels + c]!;
}

/**
 * How much of `line` is frame (0..1): each pixel's position between the frame colour and the
 * picture (line `picture`, a little further in), weighted by how far apart those two are, so flat
 * stretches where picture and frame look alike do not count.
 */
function frameShare(
  image: PixelImage,
  side: Side,
  line: number,
  colour: readonly number[],
  picture: number,
  from: number,
  to: number,
): number {
  const channels = image.channels >= 3 ? 3 : 1;
  let sum = 0;
  let weight = 0;
  for (let a = from; a < to; a++) {
    // Summed over channels, each signed by which side of the frame colour the picture lies on: a
    // channel picked by its own value would be biased towards the picture.
    let contrast = 0;
    let moved = 0;
    for (let c = 0; c < channels; c++) {
      const p = sampleAt(image, side, picture, a, c);
      const sign = p >= colour[c]! ? 1 : -1;
      contrast += sign * (p - colour[c]!);
      moved += sign * (p - sampleAt(image, side, line, a, c));
    }
    if (contrast < REFINE_CONTRAST) continue;
    sum += moved;
    weight += contrast;
  }
  return weight === 0 ? 0 : Math.max(0, Math.min(1, sum / weight));
}

/**
 * How many lines of one frame layer lie on `side` of the box: the layer starts with a near-uniform
 * line, continues through lines mostly in its colour (text on a bar), and must end at an edge: the
 * next line differs abruptly from the layer's last line ({@link EDGE_SHARE}, {@link EDGE_ABRUPT}). A
 * layer that fades out (a sky, a gradient) or runs into the minimum size is picture: 0.
 */
function peelLayer(
  image: PixelImage,
  box: { top: number; bottom: number; left: number; right: number },
  side: Side,
  minLength: number,
): { depth: number; colour: number[] } {
  const none = { depth: 0, colour: [] };
  const channels = image.channels >= 3 ? 3 : 1;
  const horizontal = side === 'top' || side === 'bottom';
  const length = horizontal ? box.bottom - box.top : box.right - box.left;
  // Lines are counted from the image's edge on this side; the box's own edge is `peeled` lines in.
  const peeled = {
    top: box.top,
    bottom: image.height - box.bottom,
    left: box.left,
    right: image.width - box.right,
  }[side];
  const [from, to] = horizontal ? [box.left, box.right] : [box.top, box.bottom];
  const lineAt = (depth: number): Uint8Array => lineOf(image, side, peeled + depth, from, to);
  // The layer starts with a near-uniform line, possibly after the blurred edge of the previous
  // layer: a blended line is uniform too, in a colour of its own, so when the next line is uniform
  // in another colour the layer starts there.
  const n = lineAt(0).length / channels;
  const uniform = (line: Uint8Array, share = START_SHARE): number[] | undefined => {
    const median = medianColour(line, channels);
    return shareNear(line, channels, median) >= share * n ? median : undefined;
  };
  let start = 0;
  let colour = uniform(lineAt(0));
  while (!colour) {
    if (++start >= EDGE_WIDTH || length - start < minLength) return none;
    colour = uniform(lineAt(start));
  }
  // Blended lines can be near the layer's colour yet not in it (a light-blue line between a blue
  // header and a white background): the layer's colour is where uniform lines settle.
  for (let settle = 0; settle < EDGE_WIDTH && length - start - 1 >= minLength; settle++) {
    const nextColour = uniform(lineAt(start + 1), UNIFORM_SHARE);
    if (!nextColour || !colourMoved(colour, nextColour)) break;
    start++;
    colour = nextColour;
  }
  const first = lineAt(start);
  let last = first;
  const maxBand = Math.max(4, Math.round(length * MAX_BAND_SHARE));
  for (let depth = start + 1; length - depth >= minLength; depth++) {
    const line = lineAt(depth);
    if (shareNear(line, channels, colour) >= LAYER_SHARE * n) {
      // A picture close to the layer's colour (dark on a dark background) is within its tolerance,
      // but still starts with an abrupt change along most of the line.
      if (shareChanged(last, line, channels) >= EDGE_SHARE * n) return { depth, colour };
      last = line;
      continue;
    }
    // A line of text on the layer: the layer comes back, near-uniform, within a few lines.
    const back = bandEnd(lineAt, depth, Math.min(depth + maxBand, length - minLength), channels, colour, n);
    if (back !== undefined) {
      depth = back;
      last = lineAt(back);
      continue;
    }
    // Otherwise the layer must end at an edge; the lines blended into the picture go with the frame.
    for (let ahead = depth; ahead < Math.min(depth + EDGE_WIDTH, length - minLength); ahead++) {
      const next = ahead === depth ? line : lineAt(ahead);
      const changed = shareChanged(last, next, channels);
      const picture = n - shareNear(next, channels, colour);
      if (changed >= EDGE_SHARE * n && changed >= EDGE_ABRUPT * picture) return { depth: ahead, colour };
    }
    return none;
  }
  return none;
}

/** True when two colours differ by more than {@link EDGE_TOLERANCE} in some channel. */
function colourMoved(a: readonly number[], b: readonly number[]): boolean {
  return a.some((v, c) => Math.abs(v - b[c]!) > EDGE_TOLERANCE);
}

/** The first line in [from, to) mostly in `colour` again, if any. */
function bandEnd(
  lineAt: (depth: number) => Uint8Array,
  from: number,
  to: number,
  channels: number,
  colour: number[],
  n: number,
): number | undefined {
  for (let depth = from; depth < to; depth++) {
    const share = shareNear(lineAt(depth), channels, colour);
    if (share >= LAYER_SHARE * n) return depth;
    // Text leaves most of its line in the layer's colour; a bar of another colour is a new layer.
    if (share < BAND_SHARE * n) return undefined;
  }
  return undefined;
}

/** Pixels of `b` that differ from the same pixel of `a` by more than the tolerance in some channel. */
function shareChanged(a: Uint8Array, b: Uint8Array, channels: number): number {
  let count = 0;
  for (let i = 0; i < a.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      if (Math.abs(a[i + c]! - b[i + c]!) > EDGE_TOLERANCE) {
        count++;
        break;
      }
    }
  }
  return count;
}

function shareNear(line: Uint8Array, channels: number, colour: number[]): number {
  let count = 0;
  for (let i = 0; i < line.length; i += channels) {
    let near = true;
    for (let c = 0; c < channels && near; c++) near = Math.abs(line[i + c]! - colour[c]!) <= COLOUR_TOLERANCE;
    if (near) count++;
  }
  return count;
}

function medianColour(line: Uint8Array, channels: number): number[] {
  const n = line.length / channels;
  const out: number[] = [];
  const counts = new Uint32Array(256);
  for (let c = 0; c < channels; c++) {
    counts.fill(0);
    for (let i = c; i < line.length; i += channels) counts[line[i]!]!++;
    let seen = 0;
    let v = 0;
    while (v < 255 && seen + counts[v]! <= n / 2) seen += counts[v++]!;
    out.push(v);
  }
  return out;
}

/** Colour samples of row `y` from column `from` to `to` (exclusive), alpha dropped. */
function readRow(image: PixelImage, y: number, from: number, to: number): Uint8Array {
  const ch = image.channels >= 3 ? 3 : 1;
  const out = new Uint8Array((to - from) * ch);
  for (let x = from, o = 0; x < to; x++, o += ch) {
    const s = (y * image.width + x) * image.channels;
    for (let c = 0; c < ch; c++) out[o + c] = image.data[s + c]!;
  }
  return out;
}

function readColumn(image: PixelImage, x: number, from: number, to: number): Uint8Array {
  const ch = image.channels >= 3 ? 3 : 1;
  const out = new Uint8Array((to - from) * ch);
  for (let y = from, o = 0; y < to; y++, o += ch) {
    const s = (y * image.width + x) * image.channels;
    for (let c = 0; c < ch; c++) out[o + c] = image.data[s + c]!;
  }
  return out;
}

/** Smallest per-channel step between neighbouring pixels that counts as an edge of the picture. */
export const STEP_TOLERANCE = 10;
/** Least share of a rectangle's side (inside the image) that must run along an edge. */
export const SIDE_COVERAGE = 0.85;
/**
 * Most texture (mean step between neighbouring pixels) outside a rectangle, as a share of the
 * texture inside it: a frame (bars, a UI's background with some text and icons, a blurred copy of
 * the picture behind it) is much smoother than the picture; a part of a photo is not.
 */
export const OUTSIDE_TEXTURE = 0.5;
/** Least share of the image's side a found picture spans (and least run for a candidate edge). */
export const MIN_PICTURE_SHARE = 0.3;
/** Candidate edges kept per direction (longest runs first): bounds the rectangles tried. */
export const MAX_EDGE_LINES = 16;
/** Width of the strip along a side on the image's edge that must not be flat, as a share of the short side. */
export const BORDER_STRIP = 0.02;
/** Texture of such a strip, as a share of the rectangle's, below which it is frame, not picture. */
export const STRIP_TEXTURE = 0.2;

/**
 * The picture inside a frame found from straight edges rather than by peeling the frame: the
 * axis-aligned rectangle whose every side that is not the image's own edge runs along a long, sharp
 * step between neighbouring lines (at least {@link SIDE_COVERAGE} of it), and whose outside is
 * mostly flat (at least {@link OUTSIDE_FLAT}: bars, a UI's background with some text and icons, a
 * blurred copy of the picture behind it), with more texture inside than outside. It assumes no
 * particular UI and no frame colour: a picture on a textured or gradient frame, or in a frame whose
 * layers the peeling cannot tell from the picture, is found as long as its outline is sharp.
 * Undefined when no such rectangle spans at least {@link MIN_PICTURE_SHARE} of both sides (a plain
 * photo: its straight edges rarely close a rectangle with a flat outside).
 *
 * @example
 * ```ts
 * const box = findEdgeBox(screenshotPixels); // working-copy pixels, inset by a line like findPictureBox
 * ```
 */
export function findEdgeBox(image: PixelImage): Box | undefined {
  const { width: w, height: h } = image;
  if (w < 16 || h < 16) return undefined;
  const steps = stepMaps(image);
  const rows = edgeLines(steps.rowPrefix, h, w, Math.ceil(w * MIN_PICTURE_SHARE));
  const cols = edgeLines(steps.colPrefix, w, h, Math.ceil(h * MIN_PICTURE_SHARE));
  if (rows.length === 0 && cols.length === 0) return undefined;
  const tops = [0, ...rows];
  const bottoms = [...rows, h];
  const lefts = [0, ...cols];
  const rights = [...cols, w];
  const minH = Math.ceil(h * MIN_PICTURE_SHARE);
  const minW = Math.ceil(w * MIN_PICTURE_SHARE);
  const along = (prefix: Int32Array, stride: number, line: number, from: number, to: number): number =>
    (prefix[line * stride + to]! - prefix[line * stride + from]!) / (to - from);
  let texture: Int32Array | undefined;
  let textureTotal = 0;
  let best: { box: Box; score: number } | undefined;
  for (const top of tops) {
    for (const bottom of bottoms) {
      if (bottom - top < minH) continue;
      for (const left of lefts) {
        for (const right of rights) {
          if (right - left < minW) continue;
          if (top === 0 && bottom === h && left === 0 && right === w) continue;
          // Every side inside the image must run along an edge (the step into the picture).
          let weakest = 1;
          if (top > 0) weakest = Math.min(weakest, along(steps.rowPrefix, w + 1, top, left, right));
          if (weakest < SIDE_COVERAGE) continue;
          if (bottom < h) weakest = Math.min(weakest, along(steps.rowPrefix, w + 1, bottom, left, right));
          if (weakest < SIDE_COVERAGE) continue;
          if (left > 0) weakest = Math.min(weakest, along(steps.colPrefix, h + 1, left, top, bottom));
          if (weakest < SIDE_COVERAGE) continue;
          if (right < w) weakest = Math.min(weakest, along(steps.colPrefix, h + 1, right, top, bottom));
          if (weakest < SIDE_COVERAGE) continue;
          if (!texture) {
            texture = textureTable(image);
            textureTotal = texture[h * (w + 1) + w]!;
          }
          const table = texture;
          const area = (bottom - top) * (right - left);
          const inside = sumIn(table, w, top, bottom, left, right) / area;
          const outside = (textureTotal - inside * area) / (w * h - area);
          const sides = +(top > 0) + +(bottom < h) + +(left > 0) + +(right < w);
          // Three or four sharp sides close a rectangle on their own (a picture in a UI, whose
          // text may have more texture than a smooth picture); a bar or two must also be smoother
          // than the picture, or any straight horizon would do.
          if (inside === 0 || (sides < 3 && outside > OUTSIDE_TEXTURE * inside)) continue;
          // A side on the image's edge must not hold a smooth strip: that is frame left inside
          // (the other bar of a letterbox), not picture.
          const strip = Math.max(2, Math.round(Math.min(w, h) * BORDER_STRIP));
          const smooth = (t: number, b: number, l: number, r: number): boolean =>
            sumIn(table, w, t, b, l, r) < STRIP_TEXTURE * inside * (b - t) * (r - l);
          if (top === 0 && smooth(0, strip, left, right)) continue;
          if (bottom === h && smooth(h - strip, h, left, right)) continue;
          if (left === 0 && smooth(top, bottom, 0, strip)) continue;
          if (right === w && smooth(top, bottom, w - strip, w)) continue;
          // More sides along edges is a better-founded rectangle; then the sharper, and the
          // smaller: of nested rectangles (a card or a chat bubble holding the picture with a
          // margin, a post with its header) the picture's is the innermost.
          const score = sides + weakest + 1 - area / (w * h);
          if (!best || score > best.score) {
            best = { box: { left, top, width: right - left, height: bottom - top }, score };
          }
        }
      }
    }
  }
  if (!best) return undefined;
  const { left, top, width, height } = best.box;
  return insetBox({ top, left, bottom: top + height, right: left + width }, image);
}

/** Where neighbouring lines step sharply: prefix sums per row and per column (findEdgeBox). */
export interface StepMaps {
  rowPrefix: Int32Array;
  colPrefix: Int32Array;
}

/**
 * Prefix sums of the edge maps: `rowPrefix[y * (w + 1) + x]` counts the columns before x where
 * row y steps from row y - 1 by more than {@link STEP_TOLERANCE} on some channel,
 * `colPrefix[x * (h + 1) + y]` the rows before y where column x steps so from column x - 1. In a
 * pooled buffer: read them before the next call. In the WebAssembly kernel where it runs
 * (wasm/plane.wat, `steps`: the same counts, several times faster), else in JS
 * ({@link stepMapsJs}).
 */
export function stepMaps(image: PixelImage): StepMaps {
  const { rowPrefix, colPrefix } = stepBuffers(image);
  if (stepMapsWasm(image, STEP_TOLERANCE, rowPrefix, colPrefix)) return { rowPrefix, colPrefix };
  return stepMapsJs(image);
}

/** The step maps' tables, and the JS pass's column edges, in one pooled buffer. */
function stepBuffers(image: PixelImage): StepMaps & { columnEdges: Uint8Array } {
  const { width: w, height: h } = image;
  const cells = (h + 1) * (w + 1);
  // Pooled: a fresh megabyte per upload costs more in allocation and collection than the pass.
  const { buffer } = pooledBuffer('edge steps', stepMaps, cells * 8 + w * h);
  return {
    rowPrefix: new Int32Array(buffer, 0, cells),
    colPrefix: new Int32Array(buffer, cells * 4, cells),
    columnEdges: new Uint8Array(buffer, cells * 8, w * h),
  };
}

/** {@link stepMaps} in JS: the definition the kernel is tested against (same pooled buffer). */
export function stepMapsJs(image: PixelImage): StepMaps {
  const { width: w, height: h, data } = image;
  const ch = image.channels;
  const stride = w + 1;
  const cells = (h + 1) * stride;
  // Column steps are found row by row (reading the image in order) and summed per column after.
  const { rowPrefix, colPrefix, columnEdges } = stepBuffers(image);
  const line = w * ch;
  const t = STEP_TOLERANCE;
  // The last row and column of the tables are never read; zeroed so a call's result is its own.
  rowPrefix.fill(0, h * stride, cells);
  colPrefix.fill(0, w * (h + 1), cells);
  rowPrefix.fill(0, 0, stride);
  // A step is a difference beyond the tolerance on any colour channel (one pass per direction:
  // simple loops V8 keeps tight).
  for (let y = 1; y < h; y++) {
    let edges = 0;
    let o = y * stride;
    rowPrefix[o] = 0;
    for (let x = 0, at = y * line; x < w; x++, at += ch) {
      const d0 = data[at]! - data[at - line]!;
      let step = d0 > t || d0 < -t;
      if (ch >= 3 && !step) {
        const d1 = data[at + 1]! - data[at - line + 1]!;
        const d2 = data[at + 2]! - data[at - line + 2]!;
        step = d1 > t || d1 < -t || d2 > t || d2 < -t;
      }
      if (step) edges++;
      rowPrefix[++o] = edges;
    }
  }
  for (let y = 0; y < h; y++) {
    const o = y * w;
    columnEdges[o] = 0;
    for (let x = 1, at = y * line + ch; x < w; x++, at += ch) {
      const d0 = data[at]! - data[at - ch]!;
      let step = d0 > t || d0 < -t;
      if (ch >= 3 && !step) {
        const d1 = data[at + 1]! - data[at - ch + 1]!;
        const d2 = data[at + 2]! - data[at - ch + 2]!;
        step = d1 > t || d1 < -t || d2 > t || d2 < -t;
      }
      columnEdges[o + x] = step ? 1 : 0;
    }
  }
  for (let x = 0; x < w; x++) {
    let edges = 0;
    const out = x * (h + 1);
    colPrefix[out] = 0;
    for (let y = 0, i = x; y < h; y++, i += w) {
      edges += columnEdges[i]!;
      colPrefix[out + y + 1] = edges;
    }
  }
  return { rowPrefix, colPrefix };
}

/**
 * A summed-area table ((h + 1) x (w + 1)) of texture: per pixel, the step to its right and lower
 * neighbours on the sum of the colour channels (JPEG's chroma noise moves single channels more),
 * in thirds of a level so that it is exact in integers (only its ratios are read). Made only when
 * some rectangle's sides run along edges (most photos have none).
 */
export function textureTable(image: PixelImage): Int32Array {
  const { width: w, height: h, data } = image;
  const ch = image.channels;
  const stride = w + 1;
  const texture = new Int32Array((h + 1) * stride);
  const line = w * ch;
  const rgb = ch >= 3;
  for (let y = 0; y < h; y++) {
    let run = 0;
    const row = y * line;
    for (let x = 0; x < w; x++) {
      const at = row + x * ch;
      let right = 0;
      let down = 0;
      if (rgb) {
        const r = data[at]!;
        const g = data[at + 1]!;
        const b = data[at + 2]!;
        if (x + 1 < w)
          right = Math.abs(r - data[at + ch]! + (g - data[at + ch + 1]!) + (b - data[at + ch + 2]!));
        if (y + 1 < h)
          down = Math.abs(r - data[at + line]! + (g - data[at + line + 1]!) + (b - data[at + line + 2]!));
      } else {
        const v = data[at]!;
        if (x + 1 < w) right = 3 * Math.abs(v - data[at + ch]!);
        if (y + 1 < h) down = 3 * Math.abs(v - data[at + line]!);
      }
      run += right + down;
      texture[(y + 1) * stride + x + 1] = texture[y * stride + x + 1]! + run;
    }
  }
  return texture;
}

/** The sum of a summed-area table over rows [top, bottom) and columns [left, right). */
function sumIn(
  prefix: Int32Array,
  w: number,
  top: number,
  bottom: number,
  left: number,
  right: number,
): number {
  const s = w + 1;
  return (
    prefix[bottom * s + right]! -
    prefix[top * s + right]! -
    prefix[bottom * s + left]! +
    prefix[top * s + left]!
  );
}

/**
 * Lines (1..count-1) holding a run of edge pixels at least `minRun` long that stands out by as much
 * from a neighbouring line, those that stand out most first, at most {@link MAX_EDGE_LINES}, no two
 * adjacent (a blurred edge shows on two lines).
 */
export function edgeLines(prefix: Int32Array, count: number, length: number, minRun: number): number[] {
  const stride = length + 1;
  const runs = new Int32Array(count + 1);
  // A stretch of n pixels with at most one gap in four holds at least 3n/4 edge pixels, so a line
  // with fewer than 3 minRun / 4 cannot reach minRun: its run is measured only as a neighbour of
  // one that can (its standout needs it), else left at 0, which fails minRun just the same.
  const enough = (line: number) =>
    line >= 1 && line < count && 4 * (prefix[line * stride + length]! - prefix[line * stride]!) >= 3 * minRun;
  for (let line = 1; line < count; line++) {
    if (!enough(line) && !enough(line - 1) && !enough(line + 1)) continue;
    // The longest stretch with at most one gap pixel in four: text or a rounded corner breaks a
    // line of edge pixels without ending it.
    const base = line * stride;
    let longest = 0;
    let start = 0;
    let gaps = 0;
    let before = prefix[base]!;
    for (let x = 0; x < length; x++) {
      const after = prefix[base + x + 1]!;
      const edge = after - before;
      before = after;
      if (!edge) gaps++;
      while (gaps * 4 > x + 1 - start) {
        if (prefix[base + start + 1]! - prefix[base + start]! === 0) gaps--;
        start++;
      }
      if (edge) longest = Math.max(longest, x + 1 - start);
    }
    runs[line] = longest;
  }
  // An edge of the picture stands out from the lines on one side of it (the frame); lines inside a
  // busy texture have long runs too, but so do both their neighbours.
  const lines: { line: number; standout: number }[] = [];
  for (let line = 1; line < count; line++) {
    const before = line > 1 ? runs[line - 1]! : runs[line + 1]!;
    const after = line + 1 < count ? runs[line + 1]! : runs[line - 1]!;
    const standout = runs[line]! - Math.min(before, after);
    if (runs[line]! >= minRun && standout >= minRun) lines.push({ line, standout });
  }
  const kept: number[] = [];
  for (const { line } of lines.sort((a, b) => b.standout - a.standout)) {
    if (kept.some((k) => Math.abs(k - line) <= 1)) continue;
    kept.push(line);
    if (kept.length >= MAX_EDGE_LINES) break;
  }
  return kept;
}
