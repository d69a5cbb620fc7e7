/**
 * Edit families: what reposters do to a known picture, each with its parameters DRAWN from a range
 * per copy (seeded), not fixed. A method tuned to one crop size or one screenshot layout shows up
 * as such in the per-bucket figures. Each copy reports the buckets its parameters fall in (e.g.
 * `5-10%` and `2 sides` for a crop), so recall can be read per family and per bucket.
 *
 * The families and their targets follow issue 20: photometric edits, re-encodes, resizes and
 * turns >= 99%; frames, captions, overlaid text and screenshots >= 95%; crops, small rotations and
 * mirror plus crop >= 90%. Every copy ends as an upload would arrive: JPEG (quality drawn) unless
 * the family is itself an encoding.
 */
import sharp, { type Sharp } from 'sharp';
import { textPath } from './block-font.js';
import { gaussian } from './random.js';
import { SCREENSHOT_TEMPLATES, screenshotOf } from './screenshots.js';
import {
  type AlteredCopy,
  CAPTIONS,
  load,
  mapPixels,
  pick,
  svg,
  type Transform,
  type TransformSource,
} from './transforms.js';

type Random = () => number;

/** Bumped whenever a family draws or makes its copies differently (it keys the evaluation's hash cache). */
export const EDIT_FAMILIES_VERSION = 1;

const uniform = (random: Random, lo: number, hi: number): number => lo + random() * (hi - lo);
const logUniform = (random: Random, lo: number, hi: number): number =>
  Math.exp(uniform(random, Math.log(lo), Math.log(hi)));
const intIn = (random: Random, lo: number, hi: number): number => Math.floor(uniform(random, lo, hi + 1));
/** A factor away from 1 by `lo`..`hi` either way (e.g. 0.05..0.4: 0.6-0.95 or 1.05-1.4). */
const awayFromOne = (random: Random, lo: number, hi: number): number =>
  random() < 0.5 ? 1 - uniform(random, lo, hi) : 1 + uniform(random, lo, hi);

/** The bucket of `value` among ascending `edges` (`a-b` with the unit), e.g. `5-10%`. */
function bucketOf(value: number, edges: readonly number[], unit = ''): string {
  for (let i = 1; i < edges.length; i++) {
    if (value < edges[i]! || i === edges.length - 1) return `${edges[i - 1]}-${edges[i]}${unit}`;
  }
  return `${edges[0]}${unit}`;
}

/** Re-encoded as an upload: JPEG at a drawn quality (most apps post at 70-95). */
async function asUpload(pipeline: Sharp, random: Random): Promise<Uint8Array> {
  return pipeline.jpeg({ quality: intIn(random, 70, 95) }).toBuffer();
}

/** Raw pixels of a pipeline, for steps sharp cannot chain (a second geometry after the first). */
async function flatten(pipeline: Sharp): Promise<Buffer> {
  return pipeline.png({ compressionLevel: 0 }).toBuffer();
}

function copy(bytes: Uint8Array, ...buckets: string[]): AlteredCopy {
  return { bytes, bucket: buckets.join(' · ') };
}

// ---- crops ----

export type CropMode = '1 side' | '2 adjacent sides' | '2 opposite sides' | '4 sides';
export const CROP_MODES: readonly CropMode[] = ['1 side', '2 adjacent sides', '2 opposite sides', '4 sides'];

/** A crop removing `amount` of the affected sides' dimension(s), laid out by `mode`. */
export function cropBox(
  width: number,
  height: number,
  amount: number,
  mode: CropMode,
  random: Random,
): { left: number; top: number; width: number; height: number } {
  let [l, r, t, b] = [0, 0, 0, 0];
  const other = () => amount * uniform(random, 0.5, 1.5);
  const split = (a: number) => {
    const s = uniform(random, 0.2, 0.8);
    return [a * s, a * (1 - s)] as const;
  };
  if (mode === '1 side') {
    const side = intIn(random, 0, 3);
    if (side === 0) l = amount;
    else if (side === 1) r = amount;
    else if (side === 2) t = amount;
    else b = amount;
  } else if (mode === '2 adjacent sides') {
    if (random() < 0.5) l = amount;
    else r = amount;
    if (random() < 0.5) t = other();
    else b = other();
  } else if (mode === '2 opposite sides') {
    if (random() < 0.5) [l, r] = split(amount);
    else [t, b] = split(amount);
  } else {
    [l, r] = split(amount);
    [t, b] = split(other());
  }
  // Every side the mode names loses at least a pixel, so the label stays true on small pictures.
  const cut = (size: number, fraction: number) =>
    fraction > 0 ? Math.max(1, Math.round(size * fraction)) : 0;
  const left = cut(width, l);
  const top = cut(height, t);
  return {
    left,
    top,
    width: Math.max(8, width - left - cut(width, r)),
    height: Math.max(8, height - top - cut(height, b)),
  };
}

/** Half the time, scaled down and recompressed after the crop, as a repost often is. */
async function maybeResized(image: Sharp, width: number, random: Random): Promise<Uint8Array> {
  if (random() < 0.5) return asUpload(image, random);
  const flat = await flatten(image);
  const scale = uniform(random, 0.4, 1);
  return sharp(flat)
    .resize(Math.max(16, Math.round(width * scale)))
    .jpeg({ quality: intIn(random, 50, 90) })
    .toBuffer();
}

async function cropped(s: TransformSource, random: Random, mirrored: boolean): Promise<AlteredCopy> {
  const square = !mirrored && random() < 0.15 && s.width !== s.height;
  let box: { left: number; top: number; width: number; height: number };
  let buckets: string[];
  if (square) {
    const side = Math.min(s.width, s.height);
    const slack = Math.max(s.width, s.height) - side;
    const offset = Math.round(slack * random());
    box =
      s.width > s.height
        ? { left: offset, top: 0, width: side, height: side }
        : { left: 0, top: offset, width: side, height: side };
    buckets = ['to a square'];
  } else {
    const amount = uniform(random, 0.02, mirrored ? 0.2 : 0.25);
    const mode = pick(CROP_MODES, random);
    box = cropBox(s.width, s.height, amount, mode, random);
    buckets = [bucketOf(100 * amount, [2, 5, 10, 15, 25], '%'), mode];
  }
  let image = load(s);
  if (mirrored) image = sharp(await flatten(image.flop()));
  return copy(await maybeResized(image.extract(box), box.width, random), ...buckets);
}

// ---- rotations ----

type RotateMode = 'canvas grown' | 'cropped inside' | 'same canvas';

/** The largest centred rectangle of the picture's own aspect inside it turned by `degrees`. */
function insideRotated(width: number, height: number, degrees: number): { width: number; height: number } {
  const a = (Math.abs(degrees) * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const k = Math.min(width / (width * c + height * s), height / (width * s + height * c));
  return { width: Math.max(8, Math.floor(width * k)), height: Math.max(8, Math.floor(height * k)) };
}

async function rotated(s: TransformSource, random: Random): Promise<AlteredCopy> {
  const magnitude = uniform(random, 0.5, 10);
  const degrees = random() < 0.5 ? magnitude : -magnitude;
  const mode = pick<RotateMode>(['canvas grown', 'cropped inside', 'same canvas'], random);
  const background = pick(['#000000', '#ffffff', `hsl(${intIn(random, 0, 359)},50%,50%)`], random);
  const turned = await flatten(load(s).rotate(degrees, { background }));
  const meta = await sharp(turned).metadata();
  const [W, H] = [meta.width ?? s.width, meta.height ?? s.height];
  const centred = (w: number, h: number) => ({
    left: Math.max(0, Math.round((W - w) / 2)),
    top: Math.max(0, Math.round((H - h) / 2)),
    width: Math.min(w, W),
    height: Math.min(h, H),
  });
  let image = sharp(turned);
  if (mode === 'cropped inside')
    image = image.extract(
      centred(...(Object.values(insideRotated(s.width, s.height, degrees)) as [number, number])),
    );
  else if (mode === 'same canvas') image = image.extract(centred(s.width, s.height));
  return copy(await asUpload(image, random), bucketOf(magnitude, [0.5, 2, 5, 10], '°'), mode);
}

// ---- text and frames ----

/** `count` caption lines, each cut to what fits in `width` at `size`. */
function captionLines(random: Random, count: number, width: number, size: number): string[] {
  const fits = Math.max(3, Math.floor(width / (size * 0.6)));
  return Array.from({ length: count }, () => pick(CAPTIONS, random).slice(0, fits));
}

/** Lines of text as SVG paths, the first baseline at `y`. */
function drawLines(
  lines: readonly string[],
  at: { x: number; y: number; size: number; anchor?: 'start' | 'middle'; bold: boolean },
  attributes: string,
): string {
  return lines.map((t, i) => textPath(t, { ...at, y: at.y + i * at.size * 1.25, attributes })).join('');
}

async function captioned(s: TransformSource, random: Random): Promise<AlteredCopy> {
  const where = pick(['above', 'below', 'above and below'] as const, random);
  const over = random() < 0.3;
  const fraction = uniform(random, 0.08, over ? 0.25 : 0.35);
  const bar = Math.max(8, Math.round(s.height * fraction));
  const style = pick(['white', 'white', 'black', 'colour'] as const, random);
  const bg =
    style === 'white' ? '#ffffff' : style === 'black' ? '#000000' : `hsl(${intIn(random, 0, 359)},60%,45%)`;
  const fg = style === 'white' ? '#000000' : '#ffffff';
  const lines = intIn(random, 1, 3);
  const size = Math.min(bar / (lines * 1.4), s.width / 12);
  const bold = random() < 0.5;
  const barSvg = () =>
    svg(
      s.width,
      bar,
      `<rect width="100%" height="100%" fill="${bg}"/>` +
        drawLines(
          captionLines(random, lines, s.width * 0.92, size),
          { x: s.width * 0.04, y: (bar - lines * size * 1.25) / 2 + size, size, bold },
          `fill="${fg}"`,
        ),
    );
  const topBar = where !== 'below';
  const bottomBar = where !== 'above';
  let image: Sharp;
  if (over) {
    const layers = [];
    if (topBar) layers.push({ input: barSvg(), left: 0, top: 0 });
    if (bottomBar) layers.push({ input: barSvg(), left: 0, top: s.height - bar });
    image = load(s).composite(layers);
  } else {
    const grown = await flatten(
      load(s).extend({ top: topBar ? bar : 0, bottom: bottomBar ? bar : 0, background: bg }),
    );
    const layers = [];
    if (topBar) layers.push({ input: barSvg(), left: 0, top: 0 });
    if (bottomBar) layers.push({ input: barSvg(), left: 0, top: s.height + (topBar ? bar : 0) });
    image = sharp(grown).composite(layers);
  }
  return copy(
    await asUpload(image, random),
    `${where}${over ? ' (over the picture)' : ''}`,
    bucketOf(100 * fraction, [8, 15, 25, 35], '% high'),
  );
}

async function memeText(s: TransformSource, random: Random): Promise<AlteredCopy> {
  const where = pick(['top', 'bottom', 'top and bottom'] as const, random);
  const fraction = uniform(random, 0.06, 0.14);
  const size = Math.round(s.height * fraction);
  const outlined = random() < 0.75;
  const fill = outlined ? '#fff' : pick(['#000', '#fff', '#ff0'], random);
  const count = random() < 0.7 ? 1 : 2;
  // An outline is the same text drawn first in black with a wide stroke, then filled on top.
  const outline = `fill="#000" stroke="#000" stroke-width="${Math.max(2, Math.round(size / 8))}" stroke-linejoin="round"`;
  const block = (y: number) => {
    const lines = captionLines(random, count, s.width * 0.95, size);
    const at = { x: s.width / 2, y, size, anchor: 'middle' as const, bold: true };
    return (outlined ? drawLines(lines, at, outline) : '') + drawLines(lines, at, `fill="${fill}"`);
  };
  let body = '';
  if (where !== 'bottom') body += block(size * 1.2);
  if (where !== 'top') body += block(s.height - size * 0.4 - (count - 1) * size * 1.25);
  const image = load(s).composite([{ input: svg(s.width, s.height, body), left: 0, top: 0 }]);
  return copy(await asUpload(image, random), where, bucketOf(100 * fraction, [6, 10, 14], '% high'));
}

async function bordered(s: TransformSource, random: Random): Promise<AlteredCopy> {
  const uniformWidth = random() < 0.5;
  const max = uniform(random, 0.02, 0.25);
  const width = () => (uniformWidth ? max : uniform(random, 0, max));
  const [t, b, l, r] = [width(), width(), width(), width()];
  const px = (f: number, side: number) => Math.round(f * side);
  const colour = pick(
    [
      '#ffffff',
      '#000000',
      '#808080',
      `hsl(${intIn(random, 0, 359)},${intIn(random, 20, 90)}%,${intIn(random, 20, 80)}%)`,
    ],
    random,
  );
  const image = load(s).extend({
    top: px(t, s.height),
    bottom: px(b, s.height),
    left: px(l, s.width),
    right: px(r, s.width),
    background: colour,
  });
  return copy(
    await asUpload(image, random),
    bucketOf(100 * Math.max(t, b, l, r), [0, 5, 10, 25], '% wide'),
    uniformWidth ? 'even' : 'uneven',
  );
}

async function letterboxed(s: TransformSource, random: Random): Promise<AlteredCopy> {
  const aspect = s.width / s.height;
  const targets = [1, 16 / 9, 9 / 16, 4 / 5, 3 / 4, 2].filter((a) => Math.abs(Math.log(a / aspect)) > 0.05);
  const target = pick(targets, random);
  const style = pick(['black', 'black', 'white', 'blurred copy'] as const, random);
  const W = Math.round(Math.max(s.width, s.height * target));
  const H = Math.round(W / target);
  const left = Math.round((W - s.width) / 2);
  const top = Math.round((H - s.height) / 2);
  let canvas: Sharp;
  if (style === 'blurred copy') {
    const behind = await flatten(
      load(s)
        .resize(W, H, { fit: 'cover' })
        .blur(Math.max(2, W / 40)),
    );
    canvas = sharp(behind).composite([{ input: await flatten(load(s)), left, top }]);
  } else {
    canvas = load(s).extend({
      top,
      bottom: H - s.height - top,
      left,
      right: W - s.width - left,
      background: style === 'black' ? '#000000' : '#ffffff',
    });
  }
  const bars = 1 - (s.width * s.height) / (W * H);
  const flat = await flatten(canvas);
  const scaled = sharp(flat).resize(Math.max(16, Math.round(W * uniform(random, 0.5, 1))));
  return copy(await asUpload(scaled, random), style, bucketOf(100 * bars, [0, 20, 40, 100], '% bars'));
}

async function screenshot(s: TransformSource, random: Random): Promise<AlteredCopy> {
  const template = pick(Object.keys(SCREENSHOT_TEMPLATES), random);
  const display = uniform(random, 0.5, 1);
  const scale = uniform(random, 0.4, 1);
  const png = await screenshotOf(s, template, display, scale, random);
  return copy(
    await asUpload(sharp(png), random),
    template,
    bucketOf(display * scale, [0.2, 0.4, 0.6, 1], ' of size'),
  );
}

async function watermarked(s: TransformSource, random: Random): Promise<AlteredCopy> {
  const text = pick(
    ['@reposter_account', '© imprint sample', 'SAMPLE', 'leaked.example', 't.me/somegroup'],
    random,
  );
  const fraction = uniform(random, 1 / 40, 1 / 15);
  const size = Math.max(8, Math.round(s.width * fraction));
  const pad = Math.round(size / 2);
  const where = pick(
    ['top left', 'top right', 'bottom left', 'bottom right', 'bottom centre', 'centre'] as const,
    random,
  );
  const x = where.endsWith('left') ? pad : where.endsWith('right') ? s.width - pad : s.width / 2;
  const y = where.startsWith('top') ? pad + size * 0.7 : where === 'centre' ? s.height / 2 : s.height - pad;
  const anchor = where.endsWith('left') ? 'start' : where.endsWith('right') ? 'end' : 'middle';
  const opacity = uniform(random, 0.35, 0.8).toFixed(2);
  const body = textPath(text, {
    x,
    y,
    size,
    anchor,
    bold: true,
    attributes: `fill="${random() < 0.7 ? '#fff' : '#000'}" fill-opacity="${opacity}"`,
  });
  const image = load(s).composite([{ input: svg(s.width, s.height, body), left: 0, top: 0 }]);
  return copy(
    await asUpload(image, random),
    where === 'centre' ? 'centre' : 'edge',
    bucketOf(100 * fraction, [2.5, 4, 6.7], '% of width'),
  );
}

// ---- photometric ----

/** A colour matrix edit (sepia, tints) through sharp's recomb. */
function recombined(s: TransformSource, matrix: number[][]) {
  return load(s)
    .removeAlpha()
    .recomb(matrix as [[number, number, number], [number, number, number], [number, number, number]]);
}

const photometric = (
  name: string,
  description: string,
  apply: (s: TransformSource, random: Random) => Promise<AlteredCopy>,
): Transform => ({ name, group: 'photometric', target: 0.99, description, apply });

/** Every edit family, in report order. Names are stable: reports compare across runs by them. */
export const EDIT_FAMILIES: readonly Transform[] = [
  {
    name: 'none',
    group: 'control',
    description: 'the original file itself (control: must be found at distance 0)',
    apply: async (s) => copy(s.bytes, 'none'),
  },
  {
    name: 'reencode',
    group: 'photometric',
    target: 0.99,
    description: 'JPEG at quality 15-95, WebP at 30-95, or PNG',
    apply: async (s, random) => {
      const format = random();
      if (format < 0.6) {
        const q = intIn(random, 15, 95);
        return copy(
          await load(s).jpeg({ quality: q }).toBuffer(),
          `jpeg ${bucketOf(q, [15, 30, 50, 75, 95], '')}`,
        );
      }
      if (format < 0.85)
        return copy(
          await load(s)
            .webp({ quality: intIn(random, 30, 95) })
            .toBuffer(),
          'webp',
        );
      return copy(await load(s).png({ compressionLevel: 6 }).toBuffer(), 'png');
    },
  },
  {
    name: 'resize',
    group: 'resize',
    target: 0.99,
    description:
      'scaled to 15-200% of each side (log-uniform); a third of them also stretched 0.7-1.4 along one axis',
    apply: async (s, random) => {
      const scale = logUniform(random, 0.15, 2);
      const stretch = random() < 0.35 ? uniform(random, 0.7, 1.4) : 1;
      const alongWidth = random() < 0.5;
      const width = Math.max(8, Math.round(s.width * scale * (alongWidth ? stretch : 1)));
      const height = Math.max(8, Math.round(s.height * scale * (alongWidth ? 1 : stretch)));
      const image = load(s).resize(width, height, { fit: 'fill' });
      return copy(
        await asUpload(image, random),
        `x${bucketOf(scale, [0.15, 0.3, 0.6, 1, 2])}`,
        stretch === 1 ? 'kept aspect' : 'stretched',
      );
    },
  },
  photometric('brightness', 'brightness x0.6-0.95 or x1.05-1.4 (HSV value)', async (s, random) => {
    const f = awayFromOne(random, 0.05, 0.4);
    return copy(
      await asUpload(load(s).modulate({ brightness: f }), random),
      `${f < 1 ? 'darker' : 'brighter'} ${bucketOf(100 * Math.abs(f - 1), [5, 20, 40], '%')}`,
    );
  }),
  photometric('contrast', 'contrast x0.6-0.95 or x1.05-1.5 around mid-grey', async (s, random) => {
    const a = awayFromOne(random, 0.05, random() < 0.5 ? 0.4 : 0.5);
    return copy(
      await asUpload(load(s).linear(a, 128 * (1 - a)), random),
      `${a < 1 ? 'lower' : 'higher'} ${bucketOf(100 * Math.abs(a - 1), [5, 20, 50], '%')}`,
    );
  }),
  photometric('gamma', 'gamma 0.6-1.7 (255*(v/255)^(1/g))', async (s, random) => {
    const g = logUniform(random, 0.6, 1.7);
    const bytes = await mapPixels(s, (v) => 255 * (v / 255) ** (1 / g));
    return copy(bytes, `gamma ${bucketOf(g, [0.6, 0.8, 1, 1.25, 1.7])}`);
  }),
  photometric('saturation', 'saturation x0-0.8 or x1.2-2', async (s, random) => {
    const f = random() < 0.5 ? uniform(random, 0, 0.8) : uniform(random, 1.2, 2);
    return copy(
      await asUpload(load(s).modulate({ saturation: f }), random),
      f < 1 ? (f < 0.3 ? 'nearly grey' : 'less saturated') : 'more saturated',
    );
  }),
  photometric('hue', 'hue rotated by 15-345 degrees', async (s, random) => {
    const h = intIn(random, 15, 345);
    return copy(
      await asUpload(load(s).modulate({ hue: h }), random),
      bucketOf(Math.min(h, 360 - h), [15, 60, 120, 180], '°'),
    );
  }),
  photometric('tone', 'greyscale, sepia, or a warm or cool tint of drawn strength', async (s, random) => {
    const style = pick(['greyscale', 'sepia', 'warm tint', 'cool tint'] as const, random);
    if (style === 'greyscale') return copy(await asUpload(load(s).greyscale(), random), style);
    const k = uniform(random, 0.5, 1);
    const mix = (m: number[][]) => m.map((row, i) => row.map((v, j) => k * v + (1 - k) * (i === j ? 1 : 0)));
    const matrix =
      style === 'sepia'
        ? [
            [0.393, 0.769, 0.189],
            [0.349, 0.686, 0.168],
            [0.272, 0.534, 0.131],
          ]
        : style === 'warm tint'
          ? [
              [1.15, 0, 0],
              [0, 1.02, 0],
              [0, 0, 0.8],
            ]
          : [
              [0.85, 0, 0],
              [0, 0.98, 0],
              [0, 0, 1.15],
            ];
    return copy(await asUpload(recombined(s, mix(matrix)), random), style);
  }),
  photometric('blur', 'Gaussian blur, sigma 0.1-0.8% of the width (at least 0.3 px)', async (s, random) => {
    const f = uniform(random, 0.001, 0.008);
    return copy(
      await asUpload(load(s).blur(Math.max(0.3, s.width * f)), random),
      `sigma ${bucketOf(100 * f, [0.1, 0.3, 0.5, 0.8], '% of width')}`,
    );
  }),
  photometric('sharpen', 'unsharp mask, sigma 0.5-2.5, strength 1-5', async (s, random) => {
    const sigma = uniform(random, 0.5, 2.5);
    return copy(
      await asUpload(
        load(s).sharpen({ sigma, m1: uniform(random, 0.5, 2), m2: uniform(random, 1, 5) }),
        random,
      ),
      `sigma ${bucketOf(sigma, [0.5, 1.5, 2.5])}`,
    );
  }),
  photometric('noise', 'Gaussian noise, sigma 3-20 levels, per channel or grey', async (s, random) => {
    const sigma = uniform(random, 3, 20);
    const grey = random() < 0.3;
    let shared = 0;
    const bytes = await mapPixels(s, (v, i) => {
      if (!grey) return v + sigma * gaussian(random);
      if (i % 3 === 0) shared = sigma * gaussian(random);
      return v + shared;
    });
    return copy(bytes, `sigma ${bucketOf(sigma, [3, 8, 14, 20])}`, grey ? 'grey' : 'colour');
  }),
  photometric(
    'watermark',
    'a small semi-transparent text mark (1/40-1/15 of the width) at an edge or the centre',
    watermarked,
  ),
  {
    name: 'turn',
    group: 'dihedral',
    target: 0.99,
    description:
      'turned by 90/180/270 degrees, mirrored or flipped; half of them also scaled 50-100% and recompressed',
    apply: async (s, random) => {
      const kinds = ['rot90', 'rot180', 'rot270', 'mirror', 'flip', 'transpose', 'transverse'] as const;
      const kind = pick(kinds, random);
      let image = load(s);
      if (kind === 'rot90') image = image.rotate(90);
      else if (kind === 'rot180') image = image.rotate(180);
      else if (kind === 'rot270') image = image.rotate(270);
      else if (kind === 'mirror') image = image.flop();
      else if (kind === 'flip') image = image.flip();
      else if (kind === 'transpose') image = image.rotate(90).flop();
      else image = image.rotate(270).flop();
      if (random() < 0.5)
        image = sharp(await flatten(image)).resize(
          Math.round(Math.max(s.width, s.height) * uniform(random, 0.5, 1)),
          null,
        );
      return copy(await asUpload(image, random), kind);
    },
  },
  {
    name: 'border',
    group: 'framing',
    target: 0.95,
    description: 'a border of any colour, 2-25% of the side wide, even or uneven on the four sides',
    apply: bordered,
  },
  {
    name: 'letterbox',
    group: 'framing',
    target: 0.95,
    description:
      'padded to another aspect ratio (1:1, 16:9, 9:16, 4:5, 3:4, 2:1) with black, white or blurred-copy bars, scaled 50-100%',
    apply: letterboxed,
  },
  {
    name: 'caption',
    group: 'framing',
    target: 0.95,
    description:
      'a caption bar of 1-3 lines above, below or both, 8-35% of the height, added (or laid over the picture, 3 in 10)',
    apply: captioned,
  },
  {
    name: 'meme-text',
    group: 'framing',
    target: 0.95,
    description:
      'text laid over the picture at the top, bottom or both, 6-14% of the height, outlined or plain',
    apply: memeText,
  },
  {
    name: 'screenshot',
    group: 'framing',
    target: 0.95,
    description:
      'a screenshot of the picture in an app (phone post light/dark, chat, browser, image viewer, or random chrome), shown at 50-100%, scaled 40-100%',
    apply: screenshot,
  },
  {
    name: 'crop',
    group: 'crop',
    target: 0.9,
    description:
      'cropped by 2-25% from one side, two adjacent or opposite sides, or all four (or to a square); half also scaled 40-100% and recompressed',
    apply: (s, random) => cropped(s, random, false),
  },
  {
    name: 'rotate',
    group: 'rotation',
    target: 0.9,
    description:
      'rotated 0.5-10 degrees either way: canvas grown (black, white or a colour), cropped inside, or cropped to the same canvas',
    apply: rotated,
  },
  {
    name: 'mirror-crop',
    group: 'crop',
    target: 0.9,
    description: 'mirrored and cropped by 2-20% (sides as for crop); half also scaled and recompressed',
    apply: (s, random) => cropped(s, random, true),
  },
];
