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
      comment: 'src/sdk and src/domain import no other project module (the SDK testing kit may use the runner\'s period rules).',
      severity: 'error',
      from: { path: '^src/(sdk|domain)/', pathNot: '^src/sdk/testing/' },
      to: { path: '^(src|connectors)/', pathNot: '^src/$1/' },
    },
    {
      name: 'sdk-testing-uses-only-sdk-and-periods',
      comment: 'kpi-sync/sdk/testing builds contexts the way the runner does: the SDK and src/domain periods, nothing else.',
      severity: 'error',
      from: { path: '^src/sdk/testing/' },
      to: { path: '^(src|connectors)/', pathNot: '^src/(sdk/|domain/)' },
    },
    {
      name: 'connectors-use-the-sdk-index',
      comment: 'A built-in connector imports the SDK through its public index (kpi-sync/sdk), as a third-party one must.',
      severity: 'error',
      from: { path: '^connectors/[^/]+/' },
      to: { path: '^src/sdk/', pathNot: '^src/sdk/(index|testing/index)\\.ts$' },
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
      comment: 'Nothing in src imports connectors/ except src/app (the composition root).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/app/' },
      to: { path: '^connectors/' },
    },
    {
      name: 'server-and-cli-are-apart',
      comment: 'src/server and src/cli both build on src/app and never import each other.',
      severity: 'error',
      from: { path: '^src/(server|cli)/' },
      to: { path: '^src/(server|cli)/', pathNot: '^src/$1/' },
    },
    {
      name: 'app-is-above-the-parts',
      comment: 'Only src/cli and src/server build on the composition root; the parts below never import it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(app|cli|server)/' },
      to: { path: '^src/app/' },
    },
    {
      name: 'domain-imports-nothing-of-the-project',
      comment: 'src/domain is pure: it imports no other project module.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^(src|connectors)/', pathNot: '^src/domain/' },
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
