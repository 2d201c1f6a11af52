// `pnpm check:cycles`: no import circles in packages/*/src.
// Type-only imports count (tsPreCompilationDeps): a circle through types is
// still a circle in the architecture the folders are meant to show, and one
// edit (an `instanceof`, a default value) turns it into a runtime circle
// whose failure mode is an undefined binding at module load.
/** @type {import("dependency-cruiser").IConfiguration} */
export default {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Import circle: move the shared piece into its own module, or reverse one import.",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    includeOnly: { path: "^packages/[^/]+/src/" },
    enhancedResolveOptions: {
      conditionNames: ["import", "types", "node", "default"],
    },
  },
};
