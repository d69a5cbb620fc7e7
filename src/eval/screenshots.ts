/**
 * Screenshots of a picture shown inside an app, for the `screenshot` edit family: several UI
 * templates (a social post on a phone, light or dark; a chat; a browser window; an image viewer)
 * and a random one made of bars and text blocks on random sides, so that a method is not tuned to
 * one app's frame. Every template shows the picture at a scale it draws, and the whole screenshot
 * is scaled again as the app that posts it would.
 */
import sharp from 'sharp';
import { textPath } from './block-font.js';
import { CAPTIONS, load, pick, svg, type TransformSource } from './transforms.js';

/** A UI drawn around a picture slot: the canvas, its background, the SVG chrome, where the picture goes. */
interface Layout {
  readonly width: number;
  readonly height: number;
  readonly background: string;
  readonly chrome: string;
  readonly picture: { left: number; top: number; width: number; height: number };
  /** A rounded mask over the picture (chat bubbles), in picture pixels. */
  readonly radius?: number;
}

type Template = (picW: number, picH: number, random: () => number) => Layout;

const r2 = (v: number) => Math.round(v);
const int = (random: () => number, lo: number, hi: number) => Math.floor(lo + random() * (hi - lo + 1));
const hex = (random: () => number) =>
  `#${[0, 0, 0].map(() => int(random, 0, 255).toString(16).padStart(2, '0')).join('')}`;

function text(t: string, x: number, y: number, size: number, fill: string, bold = false): string {
  return textPath(t, { x, y, size, bold, attributes: `fill="${fill}"` });
}

/** Grey placeholder lines, as lines of text too small to read. */
function scribble(x: number, y: number, width: number, lineH: number, lines: number, fill: string): string {
  let out = '';
  for (let i = 0; i < lines; i++) {
    const w = i === lines - 1 ? width * 0.6 : width;
    out += `<rect x="${r2(x)}" y="${r2(y + i * lineH * 1.6)}" width="${r2(w)}" height="${r2(lineH)}" rx="${r2(lineH / 3)}" fill="${fill}"/>`;
  }
  return out;
}

/** A social-media post on a phone: status bar, app header, author, picture, caption, icons. */
const phonePost: Template = (picW, picH, random) => {
  const dark = random() < 0.5;
  const bg = dark ? '#15181c' : '#ffffff';
  const fg = dark ? '#e7e9ea' : '#0f1419';
  const accent = pick(['#1d9bf0', '#e1306c', '#4267b2', '#ff4500', '#25d366'], random);
  const side = r2(picW * (0.02 + random() * 0.12));
  const width = picW + 2 * side;
  const unit = Math.max(8, r2(width / 24));
  const statusH = r2(unit * 1.2);
  const headerH = r2(unit * (1.6 + random() * 0.8));
  const userH = unit * 2;
  const top = statusH + headerH + userH + r2(unit / 2);
  const captionTop = top + picH + r2(unit / 2);
  const height = captionTop + unit * 4;
  const chrome =
    `<rect width="100%" height="${statusH}" fill="${dark ? '#000' : '#f2f2f2'}"/>` +
    text('9:41', unit / 2, statusH * 0.75, unit * 0.7, fg) +
    `<rect x="${width - unit * 2}" y="${r2(statusH * 0.3)}" width="${r2(unit * 1.3)}" height="${r2(statusH * 0.4)}" fill="${fg}"/>` +
    `<rect y="${statusH}" width="100%" height="${headerH}" fill="${accent}"/>` +
    text(
      pick(['Timeline', 'Home', 'Feed', 'For you'], random),
      unit,
      statusH + headerH * 0.68,
      unit,
      '#fff',
      true,
    ) +
    `<circle cx="${r2(side + unit * 0.8)}" cy="${r2(statusH + headerH + userH / 2)}" r="${r2(unit * 0.8)}" fill="${hex(random)}"/>` +
    text(
      `@user_${int(random, 1000, 9999)}`,
      side + unit * 2,
      statusH + headerH + userH * 0.62,
      unit * 0.75,
      fg,
      true,
    ) +
    text(pick(CAPTIONS, random), side, captionTop + unit, unit * 0.8, fg) +
    text(`${int(random, 10, 999)} likes`, side, captionTop + unit * 2.2, unit * 0.6, '#8b98a5') +
    [0, 1, 2, 3]
      .map(
        (i) =>
          `<rect x="${side + i * unit * 3}" y="${r2(captionTop + unit * 2.9)}" width="${r2(unit * 0.9)}" height="${r2(unit * 0.9)}" rx="${r2(unit * 0.2)}" fill="none" stroke="#8b98a5" stroke-width="${Math.max(1, r2(unit / 10))}"/>`,
      )
      .join('');
  return { width, height, background: bg, chrome, picture: { left: side, top, width: picW, height: picH } };
};

/** A chat: a coloured background, message bubbles, the picture in a bubble with rounded corners. */
const chat: Template = (picW, picH, random) => {
  const dark = random() < 0.4;
  const bg = dark
    ? pick(['#0b141a', '#17212b', '#1e1e1e'], random)
    : pick(['#e5ddd5', '#ffffff', '#dfe7ee'], random);
  const bubble = dark ? '#005c4b' : pick(['#dcf8c6', '#effdde', '#e1f0ff'], random);
  const fg = dark ? '#e9edef' : '#111b21';
  const width = r2(picW / (0.6 + random() * 0.25));
  const unit = Math.max(8, r2(width / 26));
  const barH = unit * 3;
  const right = random() < 0.5;
  const pad = r2(unit * 0.4);
  const left = right ? width - picW - unit - pad : unit + pad;
  const before = int(random, 1, 3);
  const top = barH + before * unit * 2.6 + pad;
  const height = top + picH + pad + unit * 2 + unit * 4;
  let chrome =
    `<rect width="100%" height="${barH}" fill="${dark ? '#202c33' : pick(['#075e54', '#517da2', '#f0f2f5'], random)}"/>` +
    `<circle cx="${unit * 1.8}" cy="${r2(barH / 2)}" r="${unit}" fill="${hex(random)}"/>` +
    text(
      pick(['Group chat', 'Family', 'Friends', 'Work'], random),
      unit * 3.4,
      barH * 0.62,
      unit,
      '#fff',
      true,
    );
  for (let i = 0; i < before; i++) {
    const w = r2(width * (0.3 + random() * 0.35));
    const x = random() < 0.5 ? unit : width - unit - w;
    const y = barH + pad + i * unit * 2.6;
    chrome +=
      `<rect x="${x}" y="${r2(y)}" width="${w}" height="${r2(unit * 2)}" rx="${r2(unit * 0.5)}" fill="${random() < 0.5 ? bubble : dark ? '#202c33' : '#fff'}"/>` +
      text(
        pick(CAPTIONS, random).slice(0, Math.max(4, Math.floor(w / (unit * 0.5)))),
        x + unit * 0.4,
        y + unit * 1.3,
        unit * 0.7,
        fg,
      );
  }
  chrome += `<rect x="${left - pad}" y="${top - pad}" width="${picW + 2 * pad}" height="${picH + 2 * pad + unit * 1.5}" rx="${r2(unit * 0.5)}" fill="${bubble}"/>`;
  chrome += text(
    `${int(random, 10, 23)}:${int(random, 10, 59)}`,
    left + picW - unit * 2.5,
    top + picH + unit * 1.2,
    unit * 0.55,
    fg,
  );
  chrome += `<rect y="${height - unit * 3}" width="100%" height="${unit * 3}" fill="${dark ? '#202c33' : '#f0f2f5'}"/>`;
  chrome += `<rect x="${unit}" y="${height - unit * 2.4}" width="${width - unit * 5}" height="${unit * 1.8}" rx="${unit * 0.9}" fill="${dark ? '#2a3942' : '#fff'}"/>`;
  return {
    width,
    height,
    background: bg,
    chrome,
    picture: { left, top, width: picW, height: picH },
    radius: r2(unit * 0.4),
  };
};

/** A browser window: tab strip, address bar, optionally a sidebar, the page with text, a status bar. */
const browser: Template = (picW, picH, random) => {
  const dark = random() < 0.35;
  const unit = Math.max(8, r2(picW / 30));
  const sidebar = random() < 0.5 ? r2(picW * (0.15 + random() * 0.2)) : 0;
  const margin = r2(picW * (0.04 + random() * 0.2));
  const width = sidebar + margin * 2 + picW;
  const tabs = unit * 2;
  const address = r2(unit * 2.2);
  const bookmarks = random() < 0.5 ? unit * 1.4 : 0;
  const chromeH = tabs + address + bookmarks;
  const above = r2(unit * (1 + random() * 5));
  const status = random() < 0.6 ? unit * 1.2 : 0;
  const below = r2(unit * (1 + random() * 6));
  const height = chromeH + above + picH + below + status;
  const page = dark ? '#202124' : '#ffffff';
  const bar = dark ? '#35363a' : pick(['#dee1e6', '#f1f3f4', '#e8e8e8'], random);
  const fg = dark ? '#e8eaed' : '#202124';
  const top = chromeH + above;
  const left = sidebar + margin;
  let chrome =
    `<rect width="100%" height="${chromeH}" fill="${bar}"/>` +
    [0, 1, 2]
      .map(
        (i) =>
          `<rect x="${unit + i * unit * 9}" y="${r2(unit * 0.4)}" width="${unit * 8.5}" height="${r2(tabs - unit * 0.4)}" rx="${r2(unit * 0.4)}" fill="${i === 0 ? page : bar}" stroke="${dark ? '#555' : '#ccc'}"/>` +
          text(
            pick(['Photos', 'Home', 'Gallery', 'Post', 'News'], random),
            unit * 1.5 + i * unit * 9,
            tabs * 0.7,
            unit * 0.6,
            fg,
          ),
      )
      .join('') +
    `<rect x="${unit * 4}" y="${tabs + r2(unit * 0.3)}" width="${width - unit * 6}" height="${r2(address - unit * 0.6)}" rx="${r2(unit * 0.8)}" fill="${dark ? '#202124' : '#fff'}"/>` +
    text(
      `https://example.org/p/${int(random, 10000, 99999)}`,
      unit * 5,
      tabs + address * 0.65,
      unit * 0.65,
      fg,
    );
  if (bookmarks)
    chrome += scribble(unit, tabs + address + unit * 0.4, width / 2, unit * 0.5, 1, dark ? '#666' : '#bbb');
  if (sidebar)
    chrome +=
      `<rect y="${chromeH}" width="${sidebar}" height="${height - chromeH}" fill="${dark ? '#292a2d' : '#f8f9fa'}"/>` +
      scribble(unit, chromeH + unit, sidebar - 2 * unit, unit * 0.6, 8, dark ? '#555' : '#ccc');
  chrome += scribble(
    left,
    chromeH + unit * 0.5,
    picW,
    unit * 0.5,
    Math.max(0, Math.floor((above - unit) / (unit * 0.8))),
    dark ? '#5f6368' : '#c4c7c5',
  );
  chrome += scribble(
    left,
    top + picH + unit * 0.6,
    picW,
    unit * 0.5,
    Math.max(0, Math.floor((below - unit) / (unit * 0.8))),
    dark ? '#5f6368' : '#c4c7c5',
  );
  if (status) chrome += `<rect y="${height - status}" width="100%" height="${status}" fill="${bar}"/>`;
  return { width, height, background: page, chrome, picture: { left, top, width: picW, height: picH } };
};

/** An image viewer: dark surround, a toolbar above or below, the picture centred with a margin. */
const viewer: Template = (picW, picH, random) => {
  const bg = pick(['#000000', '#1c1c1c', '#2b2b2b', '#f5f5f5'], random);
  const fg = bg === '#f5f5f5' ? '#333' : '#ddd';
  const unit = Math.max(8, r2(picW / 28));
  const marginX = r2(picW * random() * 0.3);
  const marginY = r2(picH * random() * 0.2);
  const toolbar = unit * 2;
  const atTop = random() < 0.5;
  const width = picW + 2 * marginX;
  const height = picH + 2 * marginY + toolbar;
  const top = (atTop ? toolbar : 0) + marginY;
  const y = atTop ? 0 : height - toolbar;
  const chrome =
    `<rect y="${y}" width="100%" height="${toolbar}" fill="${bg === '#f5f5f5' ? '#e0e0e0' : '#111'}"/>` +
    text(`IMG_${int(random, 1000, 9999)}.JPG`, unit, y + toolbar * 0.65, unit * 0.7, fg) +
    [1, 2, 3]
      .map(
        (i) =>
          `<circle cx="${width - i * unit * 1.6}" cy="${y + toolbar / 2}" r="${r2(unit * 0.45)}" fill="${fg}"/>`,
      )
      .join('');
  return {
    width,
    height,
    background: bg,
    chrome,
    picture: { left: marginX, top, width: picW, height: picH },
  };
};

/** Random chrome: bars of random colours and sizes on random sides, with text and blocks on them. */
const randomUi: Template = (picW, picH, random) => {
  const unit = Math.max(8, r2(Math.max(picW, picH) / 30));
  const side = () => (random() < 0.7 ? r2(Math.max(picW, picH) * random() * 0.25) : 0);
  const [t, b, l, r] = [side(), side(), side(), side()];
  const width = picW + l + r;
  const height = picH + t + b;
  const background = hex(random);
  let chrome = '';
  const block = (x: number, y: number, w: number, h: number) => {
    if (w < 2 || h < 2) return;
    chrome += `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${hex(random)}"/>`;
    const n = int(random, 0, 3);
    for (let i = 0; i < n; i++) {
      const size = unit * (0.5 + random());
      if (size * 0.9 > h) break;
      chrome += text(
        pick(CAPTIONS, random),
        x + random() * w * 0.3,
        y + size * 0.8 + random() * Math.max(0, h - size),
        size,
        hex(random),
        random() < 0.5,
      );
    }
  };
  block(0, 0, width, t);
  block(0, height - b, width, b);
  block(0, t, l, picH);
  block(width - r, t, r, picH);
  return { width, height, background, chrome, picture: { left: l, top: t, width: picW, height: picH } };
};

/** The screenshot templates by name. */
export const SCREENSHOT_TEMPLATES: Readonly<Record<string, Template>> = {
  phone: phonePost,
  chat,
  browser,
  viewer,
  random: randomUi,
};

/**
 * The picture inside a screenshot of the template: shown at `display` (0-1) of its size, the
 * screenshot then scaled by `scale`. Returns PNG bytes (the family re-encodes them as an upload).
 */
export async function screenshotOf(
  s: TransformSource,
  template: string,
  display: number,
  scale: number,
  random: () => number,
): Promise<Uint8Array> {
  const picW = Math.max(16, Math.round(s.width * display));
  const picH = Math.max(16, Math.round(s.height * display));
  const drawn = SCREENSHOT_TEMPLATES[template]!(picW, picH, random);
  const p = drawn.picture;
  const layout: Layout = {
    ...drawn,
    width: Math.round(drawn.width),
    height: Math.round(drawn.height),
    picture: { left: Math.round(p.left), top: Math.round(p.top), width: p.width, height: p.height },
  };
  let picture = await load(s)
    .removeAlpha()
    .resize(picW, picH, { fit: 'fill' })
    .png({ compressionLevel: 0 })
    .toBuffer();
  if (layout.radius) {
    const mask = svg(
      picW,
      picH,
      `<rect width="${picW}" height="${picH}" rx="${layout.radius}" fill="#fff"/>`,
    );
    picture = await sharp(picture)
      .ensureAlpha()
      .composite([{ input: mask, blend: 'dest-in' }])
      .png({ compressionLevel: 0 })
      .toBuffer();
  }
  const flat = await sharp({
    create: { width: layout.width, height: layout.height, channels: 3, background: layout.background },
  })
    .composite([
      { input: svg(layout.width, layout.height, layout.chrome), left: 0, top: 0 },
      { input: picture, left: layout.picture.left, top: layout.picture.top },
    ])
    .png({ compressionLevel: 0 })
    .toBuffer();
  const width = Math.max(16, Math.round(layout.width * scale));
  return sharp(flat).resize(width).png({ compressionLevel: 0 }).toBuffer();
}
