// A pull token handed to Kubernetes as an image-pull secret (type kubernetes.io/dockerconfigjson).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dockerConfigJson, RegistryToken } from "ionos-registry-token";

const config = new pulumi.Config();

const token = new RegistryToken("k8s-pull", {
  registryId: config.require("registryId"),
  scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
});

const pullSecret = new k8s.core.v1.Secret("ionos-registry", {
  metadata: { name: "ionos-registry", namespace: config.get("namespace") ?? "default" },
  type: "kubernetes.io/dockerconfigjson",
  stringData: {
    // e.g. "myregistry.cr.de-fra.ionos.com", the registry's hostname.
    ".dockerconfigjson": dockerConfigJson({
      server: config.require("registryHost"),
      username: token.username,
      password: token.password,
    }),
  },
});

// Pods reference it with `imagePullSecrets: [{ name: "ionos-registry" }]`.
export const imagePullSecret = pullSecret.metadata.name;
