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

/**
 * TEMPORARY: imports the layering forbids, in files being rewritten elsewhere. Each allows exactly
 * one file to import exactly one file; delete the line once that import is gone.
 */
const TEMPORARY_UPWARD_IMPORTS = [
  { from: 'src/fleet/manifest.ts', to: 'src/cli/usage-error.ts' },
];
/** TEMPORARY: a cycle made only of these modules is allowed while they are being rewritten elsewhere. */
const TEMPORARY_CYCLE_MODULES = ['src/fleet/collect-extract.ts', 'src/fleet/collect-group.ts'];

const exact = (file) => `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
const folders = (names) => `^src/(${names.join('|')})/`;

const layerRules = LAYERS.flatMap((siblings, rank) => {
  const above = LAYERS.slice(0, rank).flat();
  return siblings.map((layer) => {
    const forbidden = [...above, ...siblings.filter((s) => s !== layer)];
    return { layer, forbidden };
  });
})
  .filter(({ forbidden }) => forbidden.length > 0)
  .flatMap(({ layer, forbidden }) => {
    const to = folders(forbidden);
    const exceptions = TEMPORARY_UPWARD_IMPORTS.filter((e) => e.from.startsWith(`src/${layer}/`));
    const comment = `src/${layer} may not import ${forbidden.map((f) => `src/${f}`).join(', ')} (layers: ${LAYERS.map((l) => l.join('|')).join(' → ')})`;
    return [
      { name: `layer-${layer}`, comment, severity: 'error', from: { path: `^src/${layer}/`, pathNot: exceptions.map((e) => exact(e.from)) }, to: { path: to } },
      ...exceptions.map((e) => ({
        name: `layer-${layer}`,
        comment: `${comment}; TEMPORARY: ${e.from} may still import ${e.to}`,
        severity: 'error',
        from: { path: exact(e.from) },
        to: { path: to, pathNot: exact(e.to) },
      })),
    ];
  });

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
      // caught when some module of the cycle is not one of TEMPORARY_CYCLE_MODULES (one string: an
      // array is not turned into one pattern in via.pathNot)
      to: TEMPORARY_CYCLE_MODULES.length ? { circular: true, via: { pathNot: TEMPORARY_CYCLE_MODULES.map(exact).join('|') } } : { circular: true },
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
