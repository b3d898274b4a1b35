import fs from 'node:fs';
import path from 'node:path';
import YAML, { isMap, YAMLMap } from 'yaml';
import { chartDir } from './__testUtils__/repoPaths';

const text = fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8');

/**
 * Keys of values.yaml without a comment. A key counts as documented by its
 * own comment or by that of an enclosing key below the top level (so
 * `portal.resources`' comment covers `portal.resources.limits.cpu`, but the
 * comment on `portal` does not cover `portal.port`).
 */
function undocumentedKeys(source: string): string[] {
  const missing: string[] = [];
  const walk = (map: YAMLMap, where: string[], covered: boolean) => {
    map.items.forEach((pair: any, index) => {
      const key = [...where, String(pair.key.value)];
      const own = Boolean(
        pair.key.commentBefore ||
          pair.commentBefore ||
          (index === 0 && map.commentBefore),
      );
      if (!own && !covered) missing.push(key.join('.'));
      if (isMap(pair.value)) {
        walk(pair.value, key, where.length > 0 && (own || covered));
      }
    });
  };
  walk(YAML.parseDocument(source).contents as YAMLMap, [], false);
  return missing;
}

describe('values.yaml', () => {
  it('documents every key', () => {
    expect(undocumentedKeys(text)).toEqual([]);
  });

  it('the check finds an undocumented key', () => {
    expect(
      undocumentedKeys('# -- ok\na: 1\nb:\n  # -- ok\n  c: 1\n  d: 2\n'),
    ).toEqual(['b', 'b.d']);
  });

  it('has a default for every key the schema declares', () => {
    const schema = JSON.parse(
      fs.readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8'),
    );
    const values = YAML.parse(text);
    const missing: string[] = [];
    const walk = (node: any, value: any, where: string[]) => {
      for (const [key, child] of Object.entries<any>(node.properties ?? {})) {
        if (value === undefined || !(key in value)) {
          missing.push([...where, key].join('.'));
        } else if (child.properties) {
          walk(child, value[key], [...where, key]);
        }
      }
    };
    walk(schema, values, []);
    expect(missing).toEqual([]);
  });
});
