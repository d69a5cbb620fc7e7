// The page: sends chosen files to the worker, shows their PDQ hashes and quality, and saves the
// hash list as a file. Nothing here touches the network.
const LOW_QUALITY = 50; // below this PDQ advises not to trust a hash (PDQ_MIN_QUALITY)

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const input = document.getElementById('files');
const drop = document.getElementById('drop');
const status = document.getElementById('status');
const table = document.getElementById('results');
const tbody = table.querySelector('tbody');
const previews = document.getElementById('previews');
const buttons = {
  ndjson: document.getElementById('export-ndjson'),
  csv: document.getElementById('export-csv'),
  clear: document.getElementById('clear'),
};

/** id -> { file, row, result? } in the order chosen. */
const items = new Map();
let nextId = 1;

input.addEventListener('change', () => {
  addFiles(input.files);
  input.value = '';
});
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  addFiles(e.dataTransfer.files);
});
previews.addEventListener('change', () => {
  for (const item of items.values()) showPreview(item);
});
buttons.ndjson.addEventListener('click', () => save('ndjson'));
buttons.csv.addEventListener('click', () => save('csv'));
buttons.clear.addEventListener('click', () => {
  for (const item of items.values()) if (item.url) URL.revokeObjectURL(item.url);
  items.clear();
  tbody.replaceChildren();
  update();
});

worker.addEventListener('message', ({ data }) => {
  const item = items.get(data.id);
  if (!item) return; // cleared meanwhile
  item.result = data;
  const { row } = item;
  const [, , size, hash, quality] = row.cells;
  if (data.ok) {
    row.dataset.state = 'done';
    row.dataset.hash = data.hash;
    row.dataset.quality = String(data.quality);
    size.textContent = `${data.width}×${data.height} ${data.format}`;
    if (data.orientation !== 1) {
      // Hashed as stored, like the reference hashers (a viewer would show it turned).
      size.append(
        Object.assign(document.createElement('small'), {
          textContent: `EXIF orientation ${data.orientation} not applied`,
        }),
      );
    }
    hash.replaceChildren(Object.assign(document.createElement('code'), { textContent: data.hash }));
    quality.textContent = String(data.quality);
    if (data.quality < LOW_QUALITY) {
      quality.classList.add('low');
      quality.title = 'Low quality: a flat or tiny image; this hash is not matched by default';
    }
  } else {
    row.dataset.state = 'error';
    row.dataset.code = data.code;
    row.classList.add('error');
    hash.textContent = `${data.code}: ${data.message}`;
  }
  update();
});

function addFiles(files) {
  for (const file of files) {
    const id = nextId++;
    const row = tbody.insertRow();
    row.dataset.state = 'pending';
    row.dataset.name = file.name;
    for (let i = 0; i < 5; i++) row.insertCell();
    const [thumb, name, , hash] = row.cells;
    thumb.className = 'thumb';
    name.textContent = file.name;
    row.cells[2].className = 'size';
    row.cells[3].className = 'hash';
    row.cells[4].className = 'quality';
    hash.textContent = 'hashing…';
    const item = { file, row };
    items.set(id, item);
    showPreview(item);
    worker.postMessage({ id, file }); // a File is passed by reference, not copied or uploaded
  }
  update();
}

/** Previews are off by default: the pictures may be painful to see again. */
function showPreview(item) {
  const cell = item.row.cells[0];
  if (previews.checked) {
    item.url ??= URL.createObjectURL(item.file);
    cell.replaceChildren(Object.assign(document.createElement('img'), { src: item.url, alt: '' }));
  } else {
    cell.replaceChildren(Object.assign(document.createElement('div'), { className: 'hidden' }));
  }
}

function update() {
  const all = [...items.values()];
  const done = all.filter((i) => i.result?.ok).length;
  const failed = all.filter((i) => i.result && !i.result.ok).length;
  const pending = all.length - done - failed;
  table.hidden = all.length === 0;
  buttons.ndjson.disabled = buttons.csv.disabled = done === 0 || pending > 0;
  buttons.clear.disabled = all.length === 0;
  document.body.dataset.pending = String(pending);
  status.textContent =
    all.length === 0
      ? 'No images yet.'
      : `${done} of ${all.length} image${all.length === 1 ? '' : 's'} hashed${failed ? `, ${failed} could not be read` : ''}${pending ? '…' : '.'}`;
}

/**
 * Saves the hashes as a file `imprint match --list` reads: NDJSON records
 * {"hash","algorithm","quality","path"} (the format of `imprint hash --json`), or `hash,name` lines.
 */
function save(format) {
  const hashed = [...items.values()].filter((i) => i.result?.ok);
  const text =
    format === 'ndjson'
      ? hashed
          .map(({ file, result }) =>
            JSON.stringify({ hash: result.hash, algorithm: 'pdq', quality: result.quality, path: file.name }),
          )
          .join('\n')
      : hashed.map(({ file, result }) => `${result.hash},${file.name.replace(/[\r\n]+/g, ' ')}`).join('\n');
  const blob = new Blob([`${text}\n`], { type: format === 'ndjson' ? 'application/x-ndjson' : 'text/csv' });
  const link = Object.assign(document.createElement('a'), {
    href: URL.createObjectURL(blob),
    download: `imprint-pdq-hashes.${format}`,
  });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}
