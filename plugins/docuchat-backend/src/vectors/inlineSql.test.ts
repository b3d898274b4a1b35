import { TestDatabases } from '@backstage/backend-test-utils';
import { inlineBindings, sqlLiteral } from './inlineSql';

describe('inlineSql', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_17'] });

  it('has PostgreSQL 17 wherever CI runs', () => {
    expect(databases.supports('POSTGRES_17') || !process.env.CI).toBe(true);
  });

  it('writes numbers and refuses what has no literal', () => {
    expect(sqlLiteral(42)).toBe('42');
    expect(sqlLiteral(-0.5)).toBe('-0.5');
    expect(() => sqlLiteral(NaN)).toThrow(TypeError);
    expect(() => sqlLiteral(Infinity)).toThrow(TypeError);
    expect(() => sqlLiteral({} as any)).toThrow(TypeError);
  });

  it('needs a binding for every placeholder', () => {
    expect(() => inlineBindings('SELECT ?, ?', [1])).toThrow(
      '2 placeholders for 1 bindings',
    );
  });

  const hostile = [
    "it's",
    'back\\slash',
    "back\\' quote",
    'a ? b',
    'a \\? b',
    '??',
    "'; DROP TABLE docuchat_tenants; --",
    '$1 $$ $tag$',
    'فارسی ? ',
    '',
  ];

  if (databases.supports('POSTGRES_17')) {
    it.each(hostile)(
      'reads back %p exactly through knex, in a multi-statement query',
      async text => {
        const knex = await databases.init('POSTGRES_17');
        const results = await knex.raw(
          `SET LOCAL statement_timeout = 5000;\n${inlineBindings(
            'SELECT ?::text AS text, ? AS n',
            [text, 7],
          )}`,
        );
        expect(results[1].rows).toEqual([{ text, n: 7 }]);
      },
    );
  }
});
