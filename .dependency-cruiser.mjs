// The layers of src/ and the imports between them, checked by `npm run lint` (depcruise src).
// A folder may import only the folders below it, never one above it nor a sibling, and no module
// may take part in an import cycle; type-only imports count (they tie the layers together as much).
// The modules at the top of src/ (src/errors.ts, src/version.ts) are leaves every layer may import.

/** Top to bottom; folders on one line are siblings (neither imports the other). */
const LAYERS = [
  ['cli'], // commander wiring, one file per command
  ['tui'], // ink components
  ['session'], // the one model of a check session (TUI and check's text output)
  ['lab', 'fleet'], // the built-in lab (effects of its own) and the many-nodes manifest and table
  ['probe'], // the only effects besides the lab: files, processes, sockets, the tracer
  ['report'], // pure renderers and the one redaction function
  ['checks'], // pure checks over the facts
  ['trace'], // pure log parsing and path comparison; the trace-run schema
  ['containerd'], // pure emulation of containerd by version
];

const folders = (names) => `^src/(${names.join('|')})/`;

const layerRules = LAYERS.flatMap((siblings, rank) => {
  const above = LAYERS.slice(0, rank).flat();
  return siblings.map((layer) => {
    const forbidden = [...above, ...siblings.filter((s) => s !== layer)];
    return { layer, forbidden };
  });
})
  .filter(({ forbidden }) => forbidden.length > 0)
  .map(({ layer, forbidden }) => ({
    name: `layer-${layer}`,
    comment: `src/${layer} may not import ${forbidden.map((f) => `src/${f}`).join(', ')} (layers: ${LAYERS.map((l) => l.join('|')).join(' → ')})`,
    severity: 'error',
    from: { path: `^src/${layer}/` },
    to: { path: folders(forbidden) },
  }));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...layerRules,
    {
      name: 'shared-leaf',
      comment: 'the modules at the top of src/ (errors, version) are imported by every layer, so they import none',
      severity: 'error',
      from: { path: '^src/[^/]+$' },
      to: { path: '^src/[^/]+/' },
    },
    {
      name: 'no-circular',
      comment: 'an import cycle (type-only imports included) ties its modules into one: move what both need into a lower module',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import dependency-cruiser cannot resolve would escape every rule above',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // type-only imports are dependencies too
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'], exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
