import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link dockerConfigJson}. */
export interface DockerConfigJsonArgs {
  /** Registry host name as clients address it, e.g. `myregistry.cr.de-fra.ionos.com` (no scheme, no path). */
  server: pulumi.Input<string>;
  /** The token's `username`. */
  username: pulumi.Input<string>;
  /** The token's `password` (usually a secret already). */
  password: pulumi.Input<string>;
}

/**
 * A Docker config JSON (`{"auths":{"<server>":{"username","password","auth"}}}`) for a registry token, ready
 * for a Kubernetes secret of type `kubernetes.io/dockerconfigjson` (key `.dockerconfigjson`). The result is
 * always a secret. Pure: no API call. Fails (in the output) as {@link renderDockerConfigJson} does.
 */
export function dockerConfigJson(args: DockerConfigJsonArgs): pulumi.Output<string> {
  const json = pulumi
    .all([args.server, args.username, args.password])
    .apply(([server, username, password]) => renderDockerConfigJson(server, username, password));
  return pulumi.secret(json);
}

/**
 * The Docker config JSON text for plain values. Throws for an empty server or username, or a server with a
 * scheme, path or whitespace, which Docker would never match.
 */
export function renderDockerConfigJson(server: string, username: string, password: string): string {
  if (!server || /[/\s]/.test(server)) {
    throw new Error(
      `dockerConfigJson: server must be a registry host name such as "example.cr.de-fra.ionos.com", got ${JSON.stringify(server)}`,
    );
  }
  if (!username) throw new Error("dockerConfigJson: username must not be empty");
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  return JSON.stringify({ auths: { [server]: { username, password, auth } } });
}
