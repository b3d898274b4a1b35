import { expandQuery, isFeedbackTerm, undecidedTerms } from './relevanceModel';

describe('expandQuery (RM3)', () => {
  const all = () => true;

  it('weights feedback terms by their share of each chunk times its score', () => {
    // Question "backup": tf 1, so its vector is { backup: 1 }.
    // Chunk A (score 2): backup 2, restore 1, nightly 1 → norm 4.
    // Chunk B (score 1): backup 1, restore 1 → norm 2.
    // Model: backup 2·2/4 + 1·1/2 = 1.5; restore 2·1/4 + 1·1/2 = 1;
    // nightly 2·1/4 = 0.5; sum 3 → 1/2, 1/3, 1/6.
    // Final (weight 0.5): backup 0.5 + 0.25 = 0.75, restore 1/6,
    // nightly 1/12.
    const weights = expandQuery(
      new Map([['backup', 1]]),
      [
        {
          score: 2,
          termFrequencies: new Map([
            ['backup', 2],
            ['restore', 1],
            ['nightly', 1],
          ]),
        },
        {
          score: 1,
          termFrequencies: new Map([
            ['backup', 1],
            ['restore', 1],
          ]),
        },
      ],
      { terms: 10, originalQueryWeight: 0.5 },
      all,
    );
    expect([...weights.keys()].sort()).toEqual([
      'backup',
      'nightly',
      'restore',
    ]);
    expect(weights.get('backup')).toBeCloseTo(0.75, 12);
    expect(weights.get('restore')).toBeCloseTo(1 / 6, 12);
    expect(weights.get('nightly')).toBeCloseTo(1 / 12, 12);
  });

  it('prunes each chunk and the model to the heaviest terms, ties by term', () => {
    // terms = 1: chunk A keeps backup (2), chunk B keeps restore over
    // backup (tie 1:1, "backup" < "restore" wins) → backup; model backup
    // 2·1 + 1·1 = 3 → 1. Question weight 0.2: backup 0.2·1 + 0.8·1 = 1.
    const weights = expandQuery(
      new Map([['backup', 1]]),
      [
        {
          score: 2,
          termFrequencies: new Map([
            ['backup', 2],
            ['restore', 1],
          ]),
        },
        {
          score: 1,
          termFrequencies: new Map([
            ['restore', 1],
            ['backup', 1],
          ]),
        },
      ],
      { terms: 1, originalQueryWeight: 0.2 },
      all,
    );
    expect(Object.fromEntries(weights)).toEqual({ backup: 1 });
  });

  it('leaves out terms the filter refuses, and keeps the question', () => {
    const weights = expandQuery(
      new Map([
        ['backup', 1],
        ['kept', 1],
      ]),
      [{ score: 1, termFrequencies: new Map([['the', 5]]) }],
      { terms: 10, originalQueryWeight: 0.5 },
      term => term !== 'the',
    );
    // Nothing to learn: the question alone, scaled by its weight.
    expect(Object.fromEntries(weights)).toEqual({ backup: 0.25, kept: 0.25 });
  });

  it('takes terms of 2 to 20 letters or digits in at most 10 % of the chunks', () => {
    expect(isFeedbackTerm('backup', 10, 100)).toBe(true);
    expect(isFeedbackTerm('backup', 11, 100)).toBe(false);
    expect(isFeedbackTerm('پشتیبان', 1, 100)).toBe(true);
    expect(isFeedbackTerm('a', 1, 100)).toBe(false);
    expect(isFeedbackTerm('x'.repeat(21), 1, 100)).toBe(false);
    expect(isFeedbackTerm('ef_search', 1, 100)).toBe(false);
  });

  it('asks only for the frequencies pruning reads, and then prunes alike', () => {
    // One term kept per chunk. Chunk A: "common" (tf 3) is read first;
    // once it turns out too common, "rare" (tf 2) is next, and "unread" is
    // never asked for. Chunk B: "other" and "rare2" tie; "other" comes
    // first by term.
    const chunks = [
      {
        score: 2,
        termFrequencies: new Map([
          ['common', 3],
          ['rare', 2],
          ['unread', 1],
        ]),
      },
      {
        score: 1,
        termFrequencies: new Map([
          ['rare2', 1],
          ['other', 1],
        ]),
      },
    ];
    const frequencies = new Map([
      ['common', 50],
      ['rare', 2],
      ['unread', 1],
      ['rare2', 1],
      ['other', 1],
    ]);
    const eligible = (_term: string, df: number) => df <= 10;
    const settings = { terms: 1, originalQueryWeight: 0.5 };

    const known = new Map<string, number>();
    const rounds: string[][] = [];
    for (;;) {
      const wanted = undecidedTerms(chunks, settings, known, eligible);
      if (wanted.length === 0) break;
      rounds.push(wanted);
      for (const term of wanted) known.set(term, frequencies.get(term)!);
    }
    expect(rounds).toEqual([['common', 'other'], ['rare']]);

    const question = new Map([['backup', 1]]);
    const lazily = expandQuery(question, chunks, settings, term =>
      known.has(term) ? eligible(term, known.get(term)!) : false,
    );
    const everything = expandQuery(question, chunks, settings, term =>
      eligible(term, frequencies.get(term)!),
    );
    expect(lazily).toEqual(everything);
    // The model keeps its one heaviest term: rare (2 × 2/2) over other (1).
    expect([...lazily.keys()].sort()).toEqual(['backup', 'rare']);
  });
});
