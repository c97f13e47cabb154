/**
 * This package's version, as `package.json` states it: the one place a release sets it. Read from the package's
 * own manifest, three folders up from the compiled `dist/provider/lifecycle/version.js` (a relative path, which package.json
 * `exports` does not restrict); the plugin's release bundle carries that file inside it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const PACKAGE_VERSION: string = (require("../../../package.json") as { version: string }).version;

/** The `User-Agent` of every API request. */
export const USER_AGENT = `ionos-registry-token/${PACKAGE_VERSION}`;
