// Prints, as one JSON array, the URL of every module that importing the entry point `argv[2]` (a file URL) loads.
// It runs the TypeScript sources as they are: Node strips the types, and a relative `./x.js` that does not exist
// resolves to `./x.ts`, as TypeScript's NodeNext resolution does.
import { registerHooks } from "node:module";

const loaded = [];
registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (!specifier.startsWith(".") || !specifier.endsWith(".js")) throw error;
      return nextResolve(`${specifier.slice(0, -".js".length)}.ts`, context);
    }
  },
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
await import(process.argv[2]);
process.stdout.write(JSON.stringify(loaded));
