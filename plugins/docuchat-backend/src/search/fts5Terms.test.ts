import knexFactory from 'knex';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fts5Tokens, porterStem } from './fts5Terms';

describe('fts5Terms', () => {
  it('stems like the Porter paper', () => {
    expect(
      [
        'caresses',
        'ponies',
        'cats',
        'feed',
        'agreed',
        'plastered',
        'motoring',
        'hopping',
        'filing',
        'happy',
        'relational',
        'generalization',
        'electrical',
        'adjustment',
        'controlling',
        'rate',
      ].map(porterStem),
    ).toEqual([
      'caress',
      'poni',
      'cat',
      'feed',
      'agre',
      'plaster',
      'motor',
      'hop',
      'file',
      'happi',
      'relat',
      'gener',
      'electr',
      'adjust',
      'control',
      'rate',
    ]);
  });

  it('finds the terms SQLite FTS5 indexes, word for word', async () => {
    // Every word of the demo documents and the retrieval collections,
    // English and Persian, against FTS5's own vocabulary of them.
    const eval_ = join(__dirname, '../../eval');
    const texts = [
      'answers/documents/README.md',
      'answers/documents/plugins/docuchat-backend/README.md',
      'answers/documents/docs/fa/devops-guide.md',
      'collections/docuchat-docs/corpus.jsonl',
      'collections/library-readmes/corpus.jsonl',
    ].map(path => readFileSync(join(eval_, path), 'utf8'));
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    try {
      await knex.raw(
        `CREATE VIRTUAL TABLE t USING fts5(text, tokenize = "porter unicode61 tokenchars '_'")`,
      );
      await knex.raw(`CREATE VIRTUAL TABLE v USING fts5vocab(t, row)`);
      for (const text of texts) await knex('t').insert({ text });
      const rows: Array<{ term: string }> = await knex('v').select('term');
      const expected = new Set(rows.map(row => row.term));
      const ours = new Set(texts.flatMap(fts5Tokens).map(porterStem));
      expect([...ours].filter(term => !expected.has(term))).toEqual([]);
      expect([...expected].filter(term => !ours.has(term))).toEqual([]);
    } finally {
      await knex.destroy();
    }
  });
});
