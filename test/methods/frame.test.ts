import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { PixelImage } from '../../src/core/pixels.js';
import { type Box, workingCopy } from '../../src/core/raster.js';
import { makeRandom } from '../../src/eval/random.js';
import {
  EDGE_INSET,
  edgeLines,
  findEdgeBox,
  findPeeledBoxes,
  findPictureBox,
  findPictureBoxes,
  MAX_EDGE_LINES,
  refineBox,
  STEP_TOLERANCE,
  stepMaps,
  stepMapsJs,
  textureTable,
} from '../../src/matching/methods/frame.js';

/** A busy RGB "picture": seeded noise, never close to one colour along a line. */
function picture(width: number, height: number, seed: number): PixelImage {
  const random = makeRandom(seed);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(random() * 256);
  return { width, height, channels: 3, data };
}

/** `inner` placed at (left, top) on a canvas of one colour. */
function framed(
  inner: PixelImage,
  left: number,
  top: number,
  width: number,
  height: number,
  colour: [number, number, number],
): PixelImage {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(colour, p * 3);
  for (let y = 0; y < inner.height; y++) {
    data.set(
      inner.data.subarray(y * inner.width * 3, (y + 1) * inner.width * 3),
      ((top + y) * width + left) * 3,
    );
  }
  return { width, height, channels: 3, data };
}

/** Paints a filled rectangle (a "letter" or an icon). */
function rect(
  image: PixelImage,
  x: number,
  y: number,
  w: number,
  h: number,
  colour: [number, number, number],
) {
  for (let j = y; j < y + h; j++)
    for (let i = x; i < x + w; i++) image.data.set(colour, (j * image.width + i) * 3);
}

const expectedBox = (left: number, top: number, width: number, height: number) => ({
  left: left + EDGE_INSET,
  top: top + EDGE_INSET,
  width: width - 2 * EDGE_INSET,
  height: height - 2 * EDGE_INSET,
});

describe('findPictureBox', () => {
  it('finds a picture inside uniform borders of any colour and width', () => {
    // Borders up to a quarter of the picture on each side (the picture spans >= 2/3 of the canvas:
    // a frame edge must cross at least EDGE_SHARE of the line).
    const sizes = fc.record({ w: fc.integer({ min: 40, max: 120 }), h: fc.integer({ min: 40, max: 120 }) });
    fc.assert(
      fc.property(
        sizes.chain(({ w, h }) =>
          fc.record({
            w: fc.constant(w),
            h: fc.constant(h),
            left: fc.integer({ min: 0, max: Math.floor(w / 4) }),
            top: fc.integer({ min: 0, max: Math.floor(h / 4) }),
            right: fc.integer({ min: 0, max: Math.floor(w / 4) }),
            bottom: fc.integer({ min: 0, max: Math.floor(h / 4) }),
            colour: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)),
            seed: fc.integer({ min: 1, max: 1e9 }),
          }),
        ),
        ({ w, h, left, top, right, bottom, colour, seed }) => {
          const image = framed(picture(w, h, seed), left, top, w + left + right, h + top + bottom, colour);
          const box = findPictureBox(image);
          if (left + top + right + bottom === 0) {
            expect(box).toBeUndefined();
            return;
          }
          // Each peeled side gives up EDGE_INSET more lines; unpeeled sides stay at the edge.
          expect(box).toEqual({
            left: left + (left ? EDGE_INSET : 0),
            top: top + (top ? EDGE_INSET : 0),
            width: w - (left ? EDGE_INSET : 0) - (right ? EDGE_INSET : 0),
            height: h - (top ? EDGE_INSET : 0) - (bottom ? EDGE_INSET : 0),
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('peels a caption bar with text, and several layers of a screenshot', () => {
    const inner = picture(100, 60, 7);
    // White canvas: a blue header bar at the top, then a line of "text", then the picture.
    const image = framed(inner, 20, 50, 140, 140, [255, 255, 255]);
    rect(image, 0, 0, 140, 20, [29, 155, 240]);
    for (let x = 10; x < 120; x += 12) rect(image, x, 30, 6, 9, [20, 20, 20]); // a word per block
    for (let x = 20; x < 100; x += 20) rect(image, x, 122, 10, 10, [120, 120, 120]); // icons below
    expect(findPictureBox(image)).toEqual(expectedBox(20, 50, 100, 60));
  });

  it('leaves a picture alone when it has no frame, even with flat edges', () => {
    // A smooth vertical gradient: its rows are uniform, but there is no edge where a frame ends.
    const width = 80;
    const height = 60;
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) data.fill(40 + y * 2, (y * width + x) * 3, (y * width + x) * 3 + 3);
    expect(findPictureBox({ width, height, channels: 3, data })).toBeUndefined();
    expect(findPictureBox(picture(50, 50, 3))).toBeUndefined();
  });

  it("with rounds = 1 peels only the outermost layer: a border, not the picture's own flat band", () => {
    // A picture whose top 12 rows are one flat colour that ends at a sharp edge (a clear sky over
    // a city), inside a black border: peeling every layer takes the band too; one round does not.
    const inner = picture(60, 60, 21);
    rect(inner, 0, 0, 60, 12, [90, 160, 220]);
    const image = framed(inner, 10, 10, 80, 80, [0, 0, 0]);
    expect(findPictureBox(image)).toEqual(expectedBox(10, 22, 60, 48));
    expect(findPictureBox(image, 1)).toEqual(expectedBox(10, 10, 60, 60));
    expect(findPictureBox(picture(50, 50, 3), 1)).toBeUndefined();
  });

  it('peels a layer whose edge is blended over several lines (a header bar above a white background)', () => {
    // Blue header, three resampled lines between blue and white (the last ones near white but not
    // white), a white layer with a line of "text", then the picture: all of it above is frame.
    const width = 100;
    const image = framed(picture(width, 100, 31), 0, 60, width, 160, [255, 255, 255]);
    rect(image, 0, 0, width, 20, [35, 156, 237]);
    rect(image, 0, 20, width, 1, [141, 204, 239]);
    rect(image, 0, 21, width, 1, [237, 255, 255]);
    rect(image, 0, 22, width, 1, [249, 253, 255]);
    rect(image, 10, 35, 40, 8, [20, 20, 20]);
    expect(findPictureBox(image)).toEqual({ left: 0, top: 60 + EDGE_INSET, width, height: 100 - EDGE_INSET });
  });

  it('finds a dark picture on a dark background, within the colour tolerance but with a sharp edge', () => {
    // The picture's top rows are 10-14 levels above the background: "in its colour" by the
    // tolerance, yet every pixel changes at once where the picture starts.
    const inner = picture(300, 200, 9);
    const random = makeRandom(10);
    for (let i = 0; i < 300 * 40 * 3; i++) inner.data[i] = 30 + Math.floor(random() * 5);
    const image = framed(inner, 50, 60, 400, 300, [20, 20, 20]);
    // The background ends where the picture starts, not where its dark band ends (peeling every
    // layer then takes that flat band too, as for any picture with a flat edge of its own).
    expect(findPictureBoxes(image).outer).toEqual(expectedBox(50, 60, 300, 200));
  });

  it("stops inside the frame's main colour: a picture's own flat strip, peeled late, is kept by the canvas box", () => {
    // A screenshot-like canvas: white background, a blue header bar, the picture with a dark strip
    // along its bottom (a colour of its own, so peeling every layer takes it as frame).
    const inner = picture(200, 120, 12);
    rect(inner, 0, 108, 200, 12, [10, 30, 80]);
    const image = framed(inner, 40, 70, 280, 230, [255, 255, 255]);
    rect(image, 0, 0, 280, 30, [30, 90, 200]);
    const { all, canvas } = findPictureBoxes(image);
    expect(all!.height).toBeLessThan(120 - 2 * EDGE_INSET - 5); // the strip went with the frame
    expect(canvas).toEqual(expectedBox(40, 70, 200, 120));
  });

  it('findPictureBoxes gives, in one pass, what findPictureBox gives with all rounds, one, and all but the last', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 60 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 255 }),
        (side, border, inner, band, grey) => {
          const pic = picture(side, side, side + border);
          if (band > 0) rect(pic, 0, 0, side, Math.min(band, side - 1), [grey, 255 - grey, 90]);
          const once = framed(pic, inner, inner, side + 2 * inner, side + 2 * inner, [255, 255, 255]);
          const image = framed(once, border, border, once.width + 2 * border, once.height + 2 * border, [
            grey,
            grey,
            grey,
          ]);
          // Rounds that changed the box: the box stops changing after the last of them.
          let rounds = 0;
          while (
            rounds < 20 &&
            !isDeepStrictEqual(findPictureBox(image, rounds + 1), findPictureBox(image, rounds))
          )
            rounds++;
          expect(findPeeledBoxes(image)).toMatchObject({
            all: findPictureBox(image),
            outer: findPictureBox(image, 1),
            previous: rounds > 2 ? findPictureBox(image, rounds - 1) : undefined,
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('works on grey images and ignores alpha', () => {
    const rgb = framed(picture(40, 40, 11), 10, 10, 60, 60, [0, 0, 0]);
    const greyData = new Uint8Array(60 * 60);
    const rgbaData = new Uint8Array(60 * 60 * 4);
    for (let p = 0; p < 3600; p++) {
      greyData[p] = rgb.data[p * 3]!;
      rgbaData.set([...rgb.data.subarray(p * 3, p * 3 + 3), p % 256], p * 4);
    }
    expect(findPictureBox({ width: 60, height: 60, channels: 1, data: greyData })).toEqual(
      expectedBox(10, 10, 40, 40),
    );
    expect(findPictureBox({ width: 60, height: 60, channels: 4, data: rgbaData })).toEqual(
      expectedBox(10, 10, 40, 40),
    );
  });
});

describe('refineBox', () => {
  const near = (got: Box, want: Box, tolerance: number) => {
    for (const k of ['left', 'top', 'width', 'height'] as const) {
      expect(Math.abs(got[k] - want[k]), `${k}: ${got[k]} vs ${want[k]}`).toBeLessThanOrEqual(tolerance);
    }
  };

  it('puts back the lines the finder gives up past a sharp edge', () => {
    for (const colour of [
      [0, 0, 0],
      [255, 255, 255],
    ] as [number, number, number][]) {
      const image = framed(picture(300, 200, 5), 41, 31, 400, 300, colour);
      const box = findPictureBox(image)!;
      expect(box).toEqual(expectedBox(41, 31, 300, 200));
      near(refineBox(image, box), { left: 41, top: 31, width: 300, height: 200 }, 0.25);
    }
  });

  it('finds an edge that falls between pixels once the framed picture is resized', () => {
    // Shrunk by area averaging: the picture's edges land at fractions of a pixel (41 x 0.8 = 32.8).
    const image = framed(picture(300, 200, 6), 41, 31, 401, 301, [255, 255, 255]);
    const small = workingCopy(image, 321);
    const sx = small.width / image.width;
    const sy = small.height / image.height;
    const truth = { left: 41 * sx, top: 31 * sy, width: 300 * sx, height: 200 * sy };
    const box = findPictureBox(small)!;
    const refined = refineBox(small, box);
    near(refined, truth, 0.3);
    // Closer than the finder's whole-pixel box, on every side.
    expect(Math.abs(refined.left - truth.left)).toBeLessThan(Math.abs(box.left - truth.left));
    expect(Math.abs(refined.top - truth.top)).toBeLessThan(Math.abs(box.top - truth.top));
  });

  it('keeps the sides that were not framed', () => {
    const image = framed(picture(300, 200, 7), 0, 40, 300, 280, [0, 0, 0]);
    const box = findPictureBox(image)!;
    const refined = refineBox(image, box);
    expect([refined.left, refined.width]).toEqual([0, 300]);
    near(refined, { left: 0, top: 40, width: 300, height: 200 }, 0.25);
  });
});

/** A smooth vertical gradient from `a` to `b`: no line of it is uniform enough to peel. */
function gradient(width: number, height: number, a: number, b: number): PixelImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const v = Math.round(a + ((b - a) * y) / Math.max(1, height - 1));
    data.fill(v, y * width * 3, (y + 1) * width * 3);
  }
  return { width, height, channels: 3, data };
}

/** `inner` pasted over `canvas` at (left, top). */
function paste(canvas: PixelImage, inner: PixelImage, left: number, top: number): PixelImage {
  const data = new Uint8Array(canvas.data);
  for (let y = 0; y < inner.height; y++) {
    data.set(
      inner.data.subarray(y * inner.width * 3, (y + 1) * inner.width * 3),
      ((top + y) * canvas.width + left) * 3,
    );
  }
  return { ...canvas, data };
}

const near = (box: Box | undefined, want: Box, tolerance = 2) => {
  expect(box).toBeDefined();
  for (const key of ['left', 'top', 'width', 'height'] as const) {
    expect(Math.abs(box![key] - want[key])).toBeLessThanOrEqual(tolerance);
  }
};

describe('findEdgeBox', () => {
  it('finds the picture of a synthetic screenshot: header, sidebar, text, on a gradient background', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 20, max: 60 }),
        fc.integer({ min: 30, max: 80 }),
        (seed, left, top) => {
          const width = 320;
          const height = 360;
          const image = gradient(width, height, 230, 190);
          rect(image, 0, 0, width, 14, [20, 20, 20]); // status bar
          rect(image, 0, 14, width, 12, [40, 110, 200]); // app header
          rect(image, 0, 26, 12, height - 26, [90, 90, 90]); // a sidebar
          for (let line = 0; line < 3; line++)
            rect(image, left, top - 12 + line * 4, 60 + line * 20, 2, [30, 30, 30]);
          const shown = paste(image, picture(200, 150, seed), left, top);
          rect(shown, left, top + 160, 120, 3, [30, 30, 30]); // a caption under the picture
          near(findEdgeBox(shown), expectedBox(left, top, 200, 150));
        },
      ),
      { numRuns: 12 },
    );
  });

  it('finds a letterboxed picture between smooth bars (a blurred copy behind it)', () => {
    const bars = gradient(240, 400, 40, 90);
    near(findEdgeBox(paste(bars, picture(240, 160, 3), 0, 120)), expectedBox(0, 120, 240, 160));
    // and left/right bars
    const side = gradient(400, 200, 200, 240);
    const found = findEdgeBox(paste(side, picture(200, 200, 4), 100, 0));
    expect(found).toBeDefined();
    expect(found!.top).toBe(0);
    expect(found!.height).toBe(200);
    expect(Math.abs(found!.left - (100 + EDGE_INSET))).toBeLessThanOrEqual(2);
    expect(Math.abs(found!.width - (200 - 2 * EDGE_INSET))).toBeLessThanOrEqual(2);
  });

  it('finds nothing in a picture without a frame: noise, a smooth gradient, and photos', async () => {
    expect(findEdgeBox(picture(300, 200, 5))).toBeUndefined();
    expect(findEdgeBox(gradient(300, 200, 0, 255))).toBeUndefined();
    for (const name of [
      'landscape-beach.jpg',
      'city-skyline.jpg',
      'china-temple.jpg',
      'chelsea-cat.jpg',
      'rocket.jpg',
    ]) {
      const { data, info } = await sharp(`fixtures/photos/${name}`)
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const image: PixelImage = {
        width: info.width,
        height: info.height,
        channels: 3,
        data: new Uint8Array(data),
      };
      expect(findEdgeBox(workingCopy(image, 512)), name).toBeUndefined();
    }
  });

  it('keeps the other bar of a letterbox out of the picture', () => {
    // A picture flush with the top, a flat bar below: the box stops at the bar.
    const canvas = gradient(200, 300, 10, 10);
    const found = findEdgeBox(paste(canvas, picture(200, 150, 6), 0, 0));
    near(found, { left: 0, top: 0, width: 200, height: 150 - EDGE_INSET });
  });

  it('findPictureBoxes cuts out the edge-found box when peeling finds none, and every peeled box besides', () => {
    const bars = paste(gradient(240, 400, 40, 90), picture(240, 160, 3), 0, 120);
    expect(findPeeledBoxes(bars).all).toBeUndefined();
    const boxes = findPictureBoxes(bars);
    expect(boxes.all).toEqual(findEdgeBox(bars));
    expect(boxes.edges).toEqual(findEdgeBox(bars));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 255 }), (border, grey) => {
        const image = framed(picture(60, 50, border), border, border, 60 + 2 * border, 50 + 2 * border, [
          grey,
          grey,
          grey,
        ]);
        const peeled = findPeeledBoxes(image);
        const { edges, ...withEdges } = findPictureBoxes(image);
        const listed = Object.values(withEdges).filter((b) => b !== undefined);
        // Every distinct peeled box is still cut out, and the edge box is among them when found.
        const distinct = [peeled.all, peeled.previous, peeled.canvas, peeled.outer].filter(
          (b, i, all) => b && all.findIndex((o) => isDeepStrictEqual(o, b)) === i,
        );
        if (edges && !distinct.some((b) => isDeepStrictEqual(b, edges))) {
          expect(listed).toContainEqual(edges);
          expect(
            distinct.filter((b) => !listed.some((l) => isDeepStrictEqual(l, b))).length,
          ).toBeLessThanOrEqual(distinct.length >= 4 ? 1 : 0);
        } else {
          expect(withEdges).toEqual(peeled);
        }
      }),
      { numRuns: 40 },
    );
  });
});

/** stepMaps as first written (per-channel closures, column sums written in place): the definition. */
function stepMapsDefinition(image: PixelImage) {
  const { width: w, height: h, data } = image;
  const ch = image.channels;
  const colours = ch >= 3 ? 3 : 1;
  const step = (a: number, b: number): number => {
    let most = 0;
    for (let c = 0; c < colours; c++) most = Math.max(most, Math.abs(data[a + c]! - data[b + c]!));
    return most;
  };
  const meanStep = (a: number, b: number): number => {
    let sum = 0;
    for (let c = 0; c < colours; c++) sum += data[a + c]! - data[b + c]!;
    return Math.abs(sum) / colours;
  };
  const rowPrefix = new Int32Array((h + 1) * (w + 1));
  const colPrefix = new Int32Array((w + 1) * (h + 1));
  const texture = new Float64Array((h + 1) * (w + 1));
  for (let y = 0; y < h; y++) {
    let run = 0;
    for (let x = 0; x < w; x++) {
      const at = (y * w + x) * ch;
      const up = y > 0 ? step(at, at - w * ch) : 0;
      rowPrefix[y * (w + 1) + x + 1] = rowPrefix[y * (w + 1) + x]! + (up > STEP_TOLERANCE ? 1 : 0);
      const leftStep = x > 0 ? step(at, at - ch) : 0;
      colPrefix[x * (h + 1) + y + 1] = colPrefix[x * (h + 1) + y]! + (leftStep > STEP_TOLERANCE ? 1 : 0);
      const right = x + 1 < w ? meanStep(at, at + ch) : 0;
      const down = y + 1 < h ? meanStep(at, at + w * ch) : 0;
      run += right + down;
      texture[(y + 1) * (w + 1) + x + 1] = texture[y * (w + 1) + x + 1]! + run;
    }
  }
  return { rowPrefix, colPrefix, texture, textureTotal: texture[h * (w + 1) + w]! };
}

describe('stepMaps', () => {
  it('equals its definition, in the kernel and in JS, for 1 to 4 channels and any pixels (texture in thirds of a level)', () => {
    const image = fc
      .record({
        width: fc.integer({ min: 1, max: 40 }),
        height: fc.integer({ min: 1, max: 40 }),
        channels: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const),
        seed: fc.integer(),
        // Few levels make many steps land exactly on the tolerance.
        levels: fc.constantFrom(2, 3, 24, 256),
      })
      .map(({ width, height, channels, seed, levels }): PixelImage => {
        const random = makeRandom(seed);
        const data = new Uint8Array(width * height * channels);
        for (let i = 0; i < data.length; i++)
          data[i] = Math.floor(random() * levels) * Math.floor(255 / (levels - 1));
        return { width, height, channels, data };
      });
    fc.assert(
      fc.property(image, (pixels) => {
        const definition = stepMapsDefinition(pixels);
        // The WebAssembly kernel (stepMaps where it runs), and the JS the kernel stands in for.
        for (const maps of [stepMaps, stepMapsJs]) {
          const { rowPrefix, colPrefix } = maps(pixels);
          expect(rowPrefix).toEqual(definition.rowPrefix);
          expect(colPrefix).toEqual(definition.colPrefix);
        }
        expect(Array.from(textureTable(pixels))).toEqual(
          Array.from(definition.texture, (v) => Math.round(v * 3)),
        );
      }),
      { numRuns: 300 },
    );
  });
});

/** edgeLines as first written (every line's run measured): the definition. */
function edgeLinesDefinition(prefix: Int32Array, count: number, length: number, minRun: number): number[] {
  const stride = length + 1;
  const runs = new Int32Array(count + 1);
  for (let line = 1; line < count; line++) {
    let longest = 0;
    let start = 0;
    let gaps = 0;
    for (let x = 0; x < length; x++) {
      const edge = prefix[line * stride + x + 1]! - prefix[line * stride + x]!;
      if (!edge) gaps++;
      while (gaps * 4 > x + 1 - start) {
        if (prefix[line * stride + start + 1]! - prefix[line * stride + start]! === 0) gaps--;
        start++;
      }
      if (edge) longest = Math.max(longest, x + 1 - start);
    }
    runs[line] = longest;
  }
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

describe('edgeLines', () => {
  it('equals its definition: lines too sparse to reach the run are skipped without changing the answer', () => {
    const maps = fc
      .record({
        count: fc.integer({ min: 2, max: 40 }),
        length: fc.integer({ min: 1, max: 60 }),
        seed: fc.integer(),
        minShare: fc.double({ min: 0.05, max: 1, noNaN: true }),
      })
      .map(({ count, length, seed, minShare }) => {
        // Lines of every density, from empty to nearly full, so runs land on both sides of the bound.
        const random = makeRandom(seed);
        const prefix = new Int32Array((count + 1) * (length + 1));
        for (let line = 0; line < count; line++) {
          const density = random();
          for (let x = 0; x < length; x++) {
            const at = line * (length + 1) + x;
            prefix[at + 1] = prefix[at]! + (random() < density ? 1 : 0);
          }
        }
        return { prefix, count, length, minRun: Math.max(1, Math.ceil(length * minShare)) };
      });
    fc.assert(
      fc.property(maps, ({ prefix, count, length, minRun }) => {
        expect(edgeLines(prefix, count, length, minRun)).toEqual(
          edgeLinesDefinition(prefix, count, length, minRun),
        );
      }),
      { numRuns: 500 },
    );
  });
});
