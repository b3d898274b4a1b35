import { DocumentStore } from '../database/DocumentStore';
import { VectorStore } from '../vectors/types';
import { FullTextIndex } from './FullTextIndex';
import { FusionOptions } from './fuseRankings';
import { HybridSearch } from './HybridSearch';
import { QueryEmbedder } from './QueryEmbedder';

const fusion: FusionOptions = { k: 60, vectorWeight: 1, fullTextWeight: 1 };

describe('HybridSearch', () => {
  it('lets the query embedding end before a failing branch fails the search (recorded in a soak: the database went away during a question, and the answered embedding was taken for a call never made)', async () => {
    const events: string[] = [];
    let answerEmbedding = () => {};
    const queryEmbedder = {
      model: 'openai:text-embedding-3-small:64',
      embed: () =>
        new Promise<Float32Array>(resolve => {
          answerEmbedding = () => {
            events.push('embedding settled');
            resolve(new Float32Array(64));
          };
        }),
    } as unknown as QueryEmbedder;
    const databaseGone = new Error('Connection terminated unexpectedly');
    const search = new HybridSearch({
      documents: {} as DocumentStore,
      vectors: {
        search: async () => {
          throw databaseGone;
        },
      } as unknown as VectorStore,
      fullText: {
        search: async () => {
          events.push('full text failed');
          throw databaseGone;
        },
      } as unknown as FullTextIndex,
      queryEmbedder,
      fusion,
    });

    const searching = search
      .search('acme', 'How long are backups kept?', 5)
      .catch(error => {
        events.push('search failed');
        return error;
      });
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(events).toEqual(['full text failed']);
    answerEmbedding();
    expect(await searching).toBe(databaseGone);
    expect(events).toEqual([
      'full text failed',
      'embedding settled',
      'search failed',
    ]);
  });
});
