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
} {
  const { found: boxes, layers } = peelLayers(image, Number.POSITIVE_INFINITY);
  return {
    all: boxes.at(-1),
    outer: boxes[0],
    previous: boxes.length > 2 ? boxes.at(-2) : undefined,
    canvas: canvasBox(image, layers),
  };
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
