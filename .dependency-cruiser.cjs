// The layers of the DocuChat backend plugin (plugins/docuchat-backend/src),
// top to bottom, as drawn in plugins/docuchat-backend/README.md ("Layers").
// A folder imports only folders of the layers below it; within a layer,
// only the domain folders import each other (and never in a circle), and
// every layer may use the foundation (helpers that import nothing).
// `yarn lint:deps` checks them; scripts/dependencyRules.test.mjs proves
// that a wrong import fails with the rule's name.
const SRC = '^plugins/docuchat-backend/src/';

const LAYERS = {
  /** plugin.ts and the files beside it: wiring only. */
  plugin: [
    'plugin',
    'index',
    'readOptions',
    'scheduleBackgroundWork',
    'createCaches',
  ],
  /** Routers, caller resolution, input parsing, audited(); actions; demo data. */
  edge: ['http', 'actions', 'demo'],
  /** One folder per capability: answering, billing, documents in. */
  useCases: ['ask', 'billing', 'sources'],
  /** Retrieval, answering, limits, the money path (usage), who may do what. */
  domain: ['search', 'chat', 'limits', 'usage', 'permissions', 'events'],
  /** Stores (rows in, rows out), vectors, model clients, parsing, plumbing. */
  bottom: [
    'database',
    'vectors',
    'embeddings',
    'ingest',
    'metrics',
    'cache',
    'lifecycle',
  ],
  /** Helpers every layer may use (the config reader); they import nothing. */
  foundation: ['config'],
};

const folders = names => `(${names.join('|')})`;
const inFolders = names => `${SRC}${folders(names)}/`;
const rootFile = `${SRC}[^/]+$`;
/** Test support may import anything; the rules are about product code. */
const testSupport = '(^|/)(__testUtils__|__fixtures__)/|\\.test\\.tsx?$';

const layerRule = (name, from, to, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: from, pathNot: testSupport },
  to: { path: to },
});

module.exports = {
  forbidden: [
    layerRule(
      'foundation-imports-nothing',
      inFolders(LAYERS.foundation),
      `${SRC}(?!$1/)`,
      `The foundation (${LAYERS.foundation.join(', ')}) serves every ` +
        'layer and imports no folder of src.',
    ),
    layerRule(
      'bottom-imports-no-other-folder',
      inFolders(LAYERS.bottom),
      `${SRC}(?!$1/)(?!${folders(LAYERS.foundation)}/)`,
      `The bottom (${LAYERS.bottom.join(', ')}) imports no other folder of ` +
        'src but the foundation: a store takes rows in and gives rows out; ' +
        'pricing, billing days, permissions and search helpers live above ' +
        'it and call it. Declare the type the bottom needs where it stands, ' +
        'or move the code up.',
    ),
    layerRule(
      'domain-imports-only-domain-and-bottom',
      inFolders(LAYERS.domain),
      `${inFolders([...LAYERS.useCases, ...LAYERS.edge])}|${rootFile}`,
      `The domain (${LAYERS.domain.join(', ')}) never imports a use case ` +
        `(${LAYERS.useCases.join(', ')}), the edge or the plugin wiring.`,
    ),
    layerRule(
      'use-cases-import-only-below',
      inFolders(LAYERS.useCases),
      `${SRC}(?!$1/)${folders([
        ...LAYERS.useCases,
        ...LAYERS.edge,
      ])}/|${rootFile}`,
      `A use case (${LAYERS.useCases.join(', ')}) imports the domain and ` +
        'the bottom, never another use case, the edge or the wiring: what ' +
        'two use cases share belongs in the domain.',
    ),
    layerRule(
      'edge-imports-only-below',
      inFolders(LAYERS.edge),
      `${SRC}(?!$1/)${folders(LAYERS.edge)}/|${rootFile}`,
      `The edge (${LAYERS.edge.join(', ')}) calls use cases and the ` +
        'domain; it never imports another edge folder or the plugin wiring.',
    ),
    {
      name: 'every-folder-has-a-layer',
      severity: 'error',
      comment:
        'A folder of src that is not in the layer list of ' +
        '.dependency-cruiser.cjs: add it to its layer (and to the picture in ' +
        'the backend README).',
      from: {
        path: `${SRC}(?!${folders(Object.values(LAYERS).flat())}/)[^/]+/`,
        pathNot: testSupport,
      },
      to: {},
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment:
        'Two folders import each other (directly or around a circle): one ' +
        'of them must give way, usually by declaring the type it needs.',
      scope: 'folder',
      from: { path: SRC, pathNot: testSupport },
      to: { circular: true },
    },
    {
      name: 'no-test-support-in-product',
      severity: 'error',
      comment:
        'Product code imports test support (a test, __testUtils__, ' +
        '__fixtures__ or the test-utils package).',
      from: { path: SRC, pathNot: testSupport },
      to: {
        path: `${testSupport}|(^|/)@internal/docuchat-test-utils/|(^|/)packages/test-utils/`,
      },
    },
  ],
  options: {
    // Other packages are arrows' ends, not cruised.
    doNotFollow: {
      path: ['node_modules', '^plugins/(?!docuchat-backend/)', '^packages/'],
    },
    exclude: { path: '\\.test\\.tsx?$' },
    // Type-only imports are arrows too: a store that names a type from
    // above depends on that folder as much as one that calls it.
    tsPreCompilationDeps: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
