/** This package's version, sent in the User-Agent (a unit test keeps it equal to package.json's). */
export const PACKAGE_VERSION = "0.1.0";

/** The `User-Agent` of every API request. */
export const USER_AGENT = `ionos-registry-token/${PACKAGE_VERSION}`;
