import * as path from "node:path";

/**
 * Loads a module when it is first needed: a command's run module inside its `.action()`, so start-up,
 * `--help`, `--version` and usage errors pay only for the option definitions (plan's Pulumi SDK, deploy's
 * Azure SDK clients and push-model's storage client take about a second to load).
 *
 * Give both forms with the caller's own relative specifier (each resolves against the calling file):
 * `loadModule(() => require("../score"), () => import("../score"))`. The CLI runs as CommonJS through
 * tsx, which compiles .ts files on `require` (an `import()` would go to Node's ESM loader, which does not
 * resolve extension-less .ts paths and would load a second copy of shared modules). A runner that
 * transforms modules itself (vitest) has no `require` hook for .ts and loads them through `import()`.
 */
export async function loadModule<T>(viaRequire: () => T, viaImport: () => Promise<T>): Promise<T> {
  // `require.extensions` is how a CommonJS loader hook (tsx) announces the file types it compiles.
  return require.extensions[path.extname(__filename)] ? viaRequire() : viaImport();
}
