import { parseCatalogFilter } from './catalogFilter';

describe('parseCatalogFilter', () => {
  it('reads key=value pairs, all of which must match', () => {
    expect(
      parseCatalogFilter('kind=component, spec.owner=group:default/platform'),
    ).toEqual({ kind: 'component', 'spec.owner': 'group:default/platform' });
  });

  it('lets a key given twice match either value', () => {
    expect(parseCatalogFilter('kind=component,kind=system,kind=api')).toEqual({
      kind: ['component', 'system', 'api'],
    });
  });

  it.each(['kind', '=component', 'kind=', 'kind=component,,spec.type=x'])(
    'refuses %p with a message that shows the syntax',
    text => {
      expect(() => parseCatalogFilter(text)).toThrow(
        /expected key=value pairs joined by commas/,
      );
    },
  );
});
