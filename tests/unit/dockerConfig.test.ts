import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { dockerConfigJson, renderDockerConfigJson } from "../../provider/dynamic/dockerConfig";

function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

describe("dockerConfigJson (dockerConfig.ts)", () => {
  it("builds the exact Docker config JSON with a base64 auth", async () => {
    const out = dockerConfigJson({
      server: "reg.cr.de-fra.ionos.com",
      username: "ci-pull",
      password: "p@ss:w0rd",
    });
    expect(await value(out)).to.equal(
      JSON.stringify({
        auths: {
          "reg.cr.de-fra.ionos.com": {
            username: "ci-pull",
            password: "p@ss:w0rd",
            auth: Buffer.from("ci-pull:p@ss:w0rd").toString("base64"),
          },
        },
      }),
    );
  });

  it("is always a secret, even from plain inputs", async () => {
    const out = dockerConfigJson({ server: "reg.example.com", username: "u", password: "p" });
    expect(await pulumi.isSecret(out)).to.equal(true);
  });

  it("accepts outputs as inputs", async () => {
    const out = dockerConfigJson({
      server: pulumi.output("r.example.com"),
      username: pulumi.output("u"),
      password: pulumi.secret("p"),
    });
    expect(JSON.parse(await value(out)).auths["r.example.com"].auth).to.equal(
      Buffer.from("u:p").toString("base64"),
    );
  });

  for (const server of ["", "https://reg.example.com", "reg.example.com/path", "reg example"]) {
    it(`rejects server ${JSON.stringify(server)}`, () => {
      expect(() => renderDockerConfigJson(server, "u", "p")).to.throw(/server must be a registry host name/);
    });
  }

  it("rejects an empty username", () => {
    expect(() => renderDockerConfigJson("r.example.com", "", "p")).to.throw(/username must not be empty/);
  });
});
