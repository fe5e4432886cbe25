/** Import boundaries from DESIGN.md, enforced in `npm test`. */
module.exports = {
  forbidden: [
    {
      name: 'connectors-only-import-sdk',
      comment: 'A connector imports only src/sdk (and its own folder).',
      severity: 'error',
      from: { path: '^connectors/([^/]+)/' },
      to: { path: '^(src/(?!sdk/)|connectors/(?!$1/))', pathNot: '^connectors/index\\.ts$' },
    },
    {
      name: 'sdk-and-domain-are-leaves',
      comment: 'src/sdk and src/domain import no other project module.',
      severity: 'error',
      from: { path: '^src/(sdk|domain)/' },
      to: { path: '^(src|connectors)/', pathNot: '^src/$1/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'src/domain does no I/O.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core', 'npm'], pathNot: '^(node_modules/luxon)' },
    },
    {
      name: 'only-composition-root-imports-connectors',
      comment: 'Nothing in src imports connectors/ except src/cli (the composition root).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^connectors/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
