import { ConfigReader, JsonObject } from '@backstage/config';
import { readNumber } from './readNumber';

const section = (data: JsonObject) => new ConfigReader(data);

describe('readNumber', () => {
  it('reads the value, or the fallback when unset', () => {
    const limits = section({ asksPerMinute: 30 });
    expect(readNumber(limits, 'asksPerMinute', { fallback: 60 })).toBe(30);
    expect(readNumber(limits, 'other', { fallback: 60 })).toBe(60);
    expect(readNumber(limits, 'other', {})).toBeUndefined();
    expect(readNumber(undefined, 'other', { fallback: 5 })).toBe(5);
    // Environment substitution yields strings; numeric ones are numbers.
    expect(readNumber(section({ port: '587' }), 'port', {})).toBe(587);
  });

  it('keeps the bounds, naming the setting, the rule and the value', () => {
    const ask = section({ k: 50, ratio: 0.5, grace: -1, ttl: 1.5 });
    expect(() =>
      readNumber(ask, 'k', {
        where: 'docuchat.ask',
        integer: true,
        min: 1,
        max: 20,
      }),
    ).toThrow('docuchat.ask.k must be an integer from 1 to 20, got 50');
    expect(() =>
      readNumber(ask, 'ratio', { where: 'docuchat.x', integer: true }),
    ).toThrow('docuchat.x.ratio must be an integer, got 0.5');
    expect(() =>
      readNumber(ask, 'grace', {
        where: 'docuchat.x',
        unit: 'seconds',
        min: 0,
      }),
    ).toThrow('docuchat.x.grace must be a number of seconds ≥ 0, got -1');
    expect(() =>
      readNumber(ask, 'ttl', {
        where: 'docuchat.x',
        integer: true,
        unit: 'seconds',
        min: 0,
        note: '0 disables the cache',
      }),
    ).toThrow(
      'docuchat.x.ttl must be a whole number of seconds (0 disables the cache), got 1.5',
    );
    expect(() =>
      readNumber(ask, 'grace', { where: 'docuchat.x', integer: true, min: 1 }),
    ).toThrow('docuchat.x.grace must be a positive integer, got -1');
    // A fallback out of bounds is a programming error, caught the same way.
    expect(() => readNumber(undefined, 'k', { fallback: 0, min: 1 })).toThrow(
      'k must be a number ≥ 1, got 0',
    );
  });

  it('refuses what is not a number at all', () => {
    expect(() =>
      readNumber(section({ k: 'ten' }), 'k', { fallback: 1 }),
    ).toThrow(/k/);
  });
});
