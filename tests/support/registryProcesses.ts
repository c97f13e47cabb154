/**
 * What the registry-emulation suites observe beside the clients: the Distribution processes an emulator runs
 * (from `/proc`), the Docker token flow done by hand for a request skopeo cannot make, and a poll.
 */
import * as fs from "node:fs";
import { processes, waitUntil } from "./processTable";

/** A Distribution process an emulator started: its pid and the config it serves. */
export interface RegistryServerProcess {
  pid: number;
  config: string;
}

/** Every Distribution process serving a config in an emulator's temporary folder. */
export function registryServerProcesses(): RegistryServerProcess[] {
  return processes().flatMap(({ pid, argv }) => {
    const config = argv[argv.indexOf("serve") + 1];
    return argv.includes("serve") && config?.includes("ionos-registry-emulator-") ? [{ pid, config }] : [];
  });
}

/** The pid of the emulator's Distribution process listening at `address` (its config's `addr`). */
export function registryServerPid(address: string): number {
  const match = registryServerProcesses().find((p) => {
    try {
      return fs.readFileSync(p.config, "utf8").includes(`"addr": "${address}"`);
    } catch {
      return false;
    }
  });
  if (match === undefined) throw new Error(`no registry server process listens at ${address}`);
  return match.pid;
}

/**
 * `GET url` as a registry client does it: the unauthenticated request, the challenge's realm, service and
 * scope, a bearer token from the realm with Basic credentials, and the request again with it.
 * @param bearer - a bearer token to use instead of asking the realm (to replay one elsewhere)
 */
export async function getWithToken(
  url: string,
  username: string,
  password: string,
  bearer?: string,
): Promise<{ status: number; body: unknown; bearer: string }> {
  let token = bearer;
  if (token === undefined) {
    const challenge = await fetch(url);
    await challenge.arrayBuffer();
    const header = challenge.headers.get("www-authenticate") ?? "";
    const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const realm = new URL(params.realm as string);
    realm.searchParams.set("service", params.service as string);
    if (params.scope !== undefined) realm.searchParams.set("scope", params.scope);
    const basic = Buffer.from(`${username}:${password}`).toString("base64");
    const issued = await fetch(realm, { headers: { Authorization: `Basic ${basic}` } });
    token = ((await issued.json()) as { token: string }).token;
  }
  const answer = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  return { status: answer.status, body: await answer.json(), bearer: token };
}

/** Resolves once `condition` holds; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  await waitUntil(condition, timeoutMs, "the condition held");
}
