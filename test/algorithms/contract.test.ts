/** Runs the shared algorithm contract (contract.ts) for EVERY registered algorithm. */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAlgorithms, registerAlgorithm } from '../../src/algorithms/registry.js';
import { sizedAlgorithm } from '../../src/algorithms/sized-algorithms.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture } from '../helpers.js';
import { type ContractExpectations, type ContractSamples, describeAlgorithmContract } from './contract.js';

let samples: ContractSamples;

beforeAll(async () => {
  const file = (name: string): string => fixture('photos', name);
  const [image, altered, unrelated] = await Promise.all(
    ['chelsea-cat.jpg', 'chelsea-cat.webp', 'city-skyline.jpg'].map((f) => decodeImage(file(f))),
  );
  samples = {
    image: image!,
    altered: altered!,
    unrelated: unrelated!,
    bytes: new Uint8Array(readFileSync(file('chelsea-cat.jpg'))),
    alteredBytes: new Uint8Array(readFileSync(file('chelsea-cat.webp'))),
    unrelatedBytes: new Uint8Array(readFileSync(file('city-skyline.jpg'))),
  };
});

/** How each family treats degenerate images; a new family must declare itself here. */
function expectationsFor(name: string): ContractExpectations | undefined {
  if (name === 'md5' || name === 'sha1' || name === 'sha256') return undefined;
  if (name === 'pdq') return { tiny: 'ERR_IMAGE_TOO_SMALL', flat: 'low-quality' };
  if (name.startsWith('blockhash')) return { tiny: 'ERR_IMAGE_TOO_SMALL', flat: 'ERR_IMAGE_UNIFORM' };
  if (name.startsWith('colorhash')) return { tiny: 'hashed', flat: 'hashed' };
  if (/^(ahash|phash|dhash|dhash-vertical|whash)(-\d+)?$/.test(name)) {
    return { tiny: 'ERR_IMAGE_UNIFORM', flat: 'ERR_IMAGE_UNIFORM' };
  }
  throw new Error(`declare the contract expectations of algorithm ${name} in contract.test.ts`);
}

const registered = listAlgorithms();

describe('the registry', () => {
  it('holds every hash family of the issue', () => {
    const names = registered.map((a) => a.name);
    for (const name of [
      'pdq',
      'blockhash',
      'blockhash-quick',
      'phash',
      'dhash',
      'dhash-vertical',
      'ahash',
      'whash',
      'colorhash',
      'md5',
      'sha256',
    ]) {
      expect(names).toContain(name);
    }
  });
});

for (const algorithm of registered) {
  describeAlgorithmContract(algorithm, () => samples, expectationsFor(algorithm.name));
}

// Sized variants built on demand (`phash-12`, ...) meet the same contract once registered.
for (const name of [
  'phash-12',
  'ahash-4',
  'whash-32',
  'dhash-vertical-6',
  'colorhash-4',
  'blockhash-quick-12',
]) {
  const algorithm = sizedAlgorithm(name)!;
  registerAlgorithm(algorithm);
  describeAlgorithmContract(algorithm, () => samples, expectationsFor(name));
}
