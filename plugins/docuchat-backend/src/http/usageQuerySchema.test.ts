import {
  createUsageQuerySchema,
  createUsageSummaryQuerySchema,
} from '@docuchat/backstage-plugin-docuchat-common';

const now = () => new Date('2026-11-25T10:30:00.000Z');
const query = createUsageQuerySchema({ now });
const summary = createUsageSummaryQuerySchema({ now });

function issues(result: ReturnType<typeof query.safeParse>) {
  return result.success
    ? []
    : result.error.issues.map(i => `${i.path.join('.')}: ${i.message}`);
}

describe('usage query schema', () => {
  it('reads dates as midnights of the time zone, and today ends there too', () => {
    const tehran = createUsageQuerySchema({
      now,
      defaultTimeZone: 'Asia/Tehran',
    });
    // 10:30Z is 14:00 in Tehran on 25 November: today ends at 25 Nov 20:30Z.
    expect(tehran.parse({})).toEqual({
      from: new Date('2026-10-26T20:30:00.000Z'),
      to: new Date('2026-11-25T20:30:00.000Z'),
      granularity: 'day',
      timeZone: 'Asia/Tehran',
    });
    expect(tehran.parse({ from: '2026-11-01', to: '2026-11-02' })).toEqual({
      from: new Date('2026-10-31T20:30:00.000Z'),
      to: new Date('2026-11-01T20:30:00.000Z'),
      granularity: 'day',
      timeZone: 'Asia/Tehran',
    });
    // Timestamps keep their own offset; tz overrides the default.
    expect(
      tehran.parse({
        from: '2026-11-01T00:00:00Z',
        to: '2026-11-02',
        tz: 'UTC',
      }),
    ).toMatchObject({
      from: new Date('2026-11-01T00:00:00.000Z'),
      to: new Date('2026-11-02T00:00:00.000Z'),
      timeZone: 'UTC',
    });
    expect(issues(tehran.safeParse({ tz: 'Nowhere/Else' }))).toEqual([
      'tz: must be an IANA time zone like Asia/Tehran, got "Nowhere/Else"',
    ]);
  });

  it('defaults to the 30 days up to the end of today (UTC), by day', () => {
    expect(query.parse({})).toEqual({
      from: new Date('2026-10-27T00:00:00.000Z'),
      to: new Date('2026-11-26T00:00:00.000Z'),
      granularity: 'day',
      timeZone: 'UTC',
    });
    expect(query.parse({ from: '2026-11-01' })).toMatchObject({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
    });
    expect(query.parse({ to: '2026-11-01' })).toMatchObject({
      from: new Date('2026-10-02T00:00:00Z'),
      to: new Date('2026-11-01T00:00:00Z'),
    });
  });

  it('reads dates as UTC midnight and timestamps with their zone', () => {
    expect(
      query.parse({
        from: '2026-11-01T08:00:00+03:30',
        to: '2026-11-01T09:15Z',
        granularity: 'hour',
      }),
    ).toEqual({
      from: new Date('2026-11-01T04:30:00.000Z'),
      to: new Date('2026-11-01T09:15:00.000Z'),
      granularity: 'hour',
      timeZone: 'UTC',
    });
  });

  it('takes up to 366 days by day and 31 days by hour', () => {
    expect(
      query.safeParse({ from: '2026-01-01', to: '2027-01-02' }).success,
    ).toBe(true);
    expect(
      issues(query.safeParse({ from: '2026-01-01', to: '2027-01-03' })),
    ).toEqual([
      'to: the range may span at most 366 days with granularity day, got 367 days',
    ]);
    expect(
      query.safeParse({
        from: '2026-11-01',
        to: '2026-12-02',
        granularity: 'hour',
      }).success,
    ).toBe(true);
    expect(
      issues(
        query.safeParse({
          from: '2026-11-01',
          to: '2026-12-02T01:00:00Z',
          granularity: 'hour',
        }),
      ),
    ).toEqual([
      'to: the range may span at most 31 days with granularity hour, got 31.04 days',
    ]);
    // Neither end given means 30 days, which hourly granularity accepts too.
    expect(query.parse({ granularity: 'hour' }).granularity).toBe('hour');
  });

  it.each([
    [{ from: 'yesterday' }, /^from: must be a date like 2026-11-01/],
    [{ from: '2026-02-30' }, /^from: must be a date/],
    [{ to: '2026-13-01' }, /^to: must be a date/],
    [{ from: '2026-11-01T08:00:00' }, /^from: must be a date/], // no zone
    [{ from: '2026-11-01T24:00Z' }, /^from: must be a date/],
    [{ from: '1764547200000' }, /^from: must be a date/],
    [{ from: ['2026-11-01', '2026-11-02'] }, /^from: Expected string/],
    [
      { from: '2026-11-02', to: '2026-11-02' },
      /^from: must be before to \(2026-11-02T00:00:00.000Z\)/,
    ],
    [{ from: '2026-11-03', to: '2026-11-02' }, /^from: must be before to/],
    [{ granularity: 'week' }, /^granularity: must be 'day' or 'hour'/],
    [{ granulatiry: 'hour' }, /Unrecognized key.*granulatiry/],
  ])('refuses %j', (input, message) => {
    const found = issues(query.safeParse(input));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('takes no granularity in the all-tenants summary', () => {
    expect(summary.parse({ from: '2026-11-01', to: '2026-11-03' })).toEqual({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-03T00:00:00Z'),
      timeZone: 'UTC',
    });
    expect(summary.safeParse({ granularity: 'day' }).success).toBe(false);
    expect(
      summary.safeParse({ from: '2026-01-01', to: '2027-01-03' }).success,
    ).toBe(false);
  });
});
