/* global module */
// The layer rules issue 14 asks the build to enforce (run by `npm run deps` and `npm test`).
// tsPreCompilationDeps: type-only imports count too, so a circle through a type is still a circle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  // node_modules may be a symlink (worktrees share one): the 'electron' package then resolves to
  // a path outside the repository, hence (^|/)node_modules/electron/ rather than ^node_modules/.
  forbidden: [
    {
      name: 'core-not-electron-shell',
      severity: 'error',
      comment:
        "electron/core runs under plain Node (CLI, tests, benches): it never imports the Electron main process, the preload, the renderer or the 'electron' package.",
      from: { path: '^electron/core/' },
      to: { path: ['^electron/main/', '^electron/preload/', '^renderer/', '(^|/)node_modules/electron/', '^electron$'] },
    },
    {
      name: 'shared-is-a-leaf',
      severity: 'error',
      comment: 'shared/ is loaded by the core and by the renderer bundle: it imports neither electron/ nor renderer/.',
      from: { path: '^shared/' },
      to: { path: ['^electron/', '^renderer/', '(^|/)node_modules/electron/', '^electron$'] },
    },
    {
      name: 'renderer-not-electron',
      severity: 'error',
      comment: 'The renderer talks to the core only through the preload API typed by shared/ipc; it imports nothing from electron/.',
      from: { path: '^renderer/' },
      to: { path: ['^electron/', '(^|/)node_modules/electron/', '^electron$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circles anywhere: a circle means two modules that cannot be read (or tested) apart.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules', '^dist/', '^build/'] },
    tsPreCompilationDeps: true,
    // No tsConfig: the project has no path aliases, and its tsconfig.json is references only.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
