import { expect } from "chai";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { PACKAGE_VERSION } from "../../provider/lifecycle/version";
import { PLUGIN_TOKEN_TYPE } from "../../provider/plugin/schema";
import { UNKNOWN } from "../../provider/rules/unknown";
import {
  PLUGIN_PATH,
  SECRET_KEY,
  SECRET_SIG,
  pluginUrn,
  startPluginSession,
  type PluginSession,
  type Props,
} from "../support/pluginSession";
import { requirePulumi } from "../support/pulumiCli";
import { apiWrites } from "../support/apiWrites";

const API_TOKEN = `plugin-${randomBytes(12).toString("hex")}`;
const URN = pluginUrn("ci-pull");

describe("provider plugin: the same provider over Pulumi's ResourceProvider protocol (bin/pulumi-resource-ionos-registry-token)", function () {
  this.timeout(60_000);
  let emulator: RunningEmulator;
  let plugin: PluginSession;
  const call = <Res>(method: string, request: unknown): Promise<Res> => plugin.call<Res>(method, request);
  const struct = (value: Props) => Struct.fromJavaScript(value as never);
  const registryId = () => emulator.registries[0].id;
  const writes = () => apiWrites(emulator);

  before(async () => {
    emulator = await startEmulator({ credentials: { token: API_TOKEN }, registries: [{ name: "plugin" }] });
    plugin = await startPluginSession();
    const configure = new provproto.ConfigureRequest();
    configure.getVariablesMap().set("ionos-registry-token:config:token", API_TOKEN);
    configure.getVariablesMap().set("ionos-registry-token:config:endpoint", emulator.url);
    const answer = await call<provproto.ConfigureResponse>("configure", configure);
    expect(answer.getAcceptsecrets()).to.equal(true);
    expect(answer.getSupportspreview()).to.equal(true);
  });
  after(async () => {
    await plugin?.close();
    await emulator?.close();
  });

  let inputs: Props;
  let id: string;
  let outs: Props;

  it("answers GetPluginInfo and GetSchema: the resource type, the password secret, enums", async () => {
    const info = await call<{ getVersion(): string }>("getPluginInfo", new Empty());
    expect(info.getVersion()).to.equal(PACKAGE_VERSION);
    const schema = JSON.parse(
      (await call<provproto.GetSchemaResponse>("getSchema", new provproto.GetSchemaRequest())).getSchema(),
    );
    const resource = schema.resources[PLUGIN_TOKEN_TYPE];
    expect(resource.properties.password.secret).to.equal(true);
    expect(resource.requiredInputs).to.deep.equal(["registryId"]);
    expect(schema.config.variables.token.secret).to.equal(true);
    expect(
      schema.types["ionos-registry-token:index:ScopeAction"].enum.map((e: { value: string }) => e.value),
    ).to.deep.equal(["pull", "push", "delete"]);
  });

  it("checks its config at preview: bad values and unknown keys fail naming the key; unknown values wait", async () => {
    const checkConfig = async (news: Props) =>
      (
        await call<provproto.CheckResponse>(
          "checkConfig",
          new provproto.CheckRequest()
            .setUrn("urn:pulumi:dev::proj::pulumi:providers:ionos-registry-token::default")
            .setOlds(struct({}))
            .setNews(struct(news)),
        )
      )
        .getFailuresList()
        .map((f) => [f.getProperty(), f.getReason()]);
    const failures = await checkConfig({
      endpoint: "http://registry.example.com",
      requestTimeoutMs: "-5",
      retryBudgetMs: 1000,
      tokne: "typo",
      version: PACKAGE_VERSION,
    });
    expect(failures.map(([property]) => property)).to.deep.equal(["tokne", "endpoint", "requestTimeoutMs"]);
    expect(failures[1][1]).to.match(
      /^ionos-registry-token:endpoint: Refusing to send IONOS credentials over plain http/,
    );
    expect(failures[2][1]).to.match(
      /^ionos-registry-token:requestTimeoutMs: requestTimeoutMs must be a positive whole number/,
    );
    expect(
      await checkConfig({
        endpoint: UNKNOWN,
        requestTimeoutMs: "500",
        token: { [SECRET_KEY]: SECRET_SIG, value: "t" },
      }),
    ).to.deep.equal([]);
  });

  it("checks with the same rules: a generated name from the URN's resource name, failures naming the property", async () => {
    const bad = new provproto.CheckRequest()
      .setUrn(URN)
      .setOlds(struct({}))
      .setNews(struct({ registryId: "nope" }));
    const refused = await call<provproto.CheckResponse>("check", bad);
    expect(refused.getFailuresList().map((f) => f.getProperty())).to.deep.equal(["registryId"]);
    // The dynamic provider's own input is a plain mistake in a plugin program.
    const dynamicOnly = await call<provproto.CheckResponse>(
      "check",
      new provproto.CheckRequest()
        .setUrn(URN)
        .setOlds(struct({}))
        .setNews(struct({ registryId: registryId(), __provider: "exports.handler = …" })),
    );
    const refusals = dynamicOnly.getFailuresList().map((f) => [f.getProperty(), f.getReason()]);
    expect(refusals).to.have.length(1);
    expect(refusals[0][0]).to.equal("__provider");
    expect(refusals[0][1]).to.match(
      /^"__provider" is not a RegistryToken input; expected one of registryId, /,
    );
    const good = new provproto.CheckRequest()
      .setUrn(URN)
      .setOlds(struct({}))
      .setNews(
        struct({ registryId: registryId(), scopes: [{ name: "*", type: "repository", actions: ["pull"] }] }),
      );
    const checked = await call<provproto.CheckResponse>("check", good);
    expect(checked.getFailuresList()).to.deep.equal([]);
    inputs = checked.getInputs()!.toJavaScript() as Props;
    expect(inputs.name).to.match(/^ci-pull-[a-z0-9]{8}$/);
  });

  it("previews a create without any API request, the password an unknown secret", async () => {
    emulator.clearRequests();
    const preview = await call<provproto.CreateResponse>(
      "create",
      new provproto.CreateRequest().setUrn(URN).setProperties(struct(inputs)).setPreview(true),
    );
    const planned = preview.getProperties()!.toJavaScript() as Props;
    expect(planned.password).to.deep.equal({ [SECRET_KEY]: SECRET_SIG, value: UNKNOWN });
    expect(planned.tokenId).to.equal(UNKNOWN);
    expect(emulator.requests()).to.deep.equal([]);
  });

  it("creates with one POST and returns the password as a secret", async () => {
    emulator.clearRequests();
    const created = await call<provproto.CreateResponse>(
      "create",
      new provproto.CreateRequest().setUrn(URN).setProperties(struct(inputs)),
    );
    expect(writes()).to.deep.equal(["POST 201"]);
    id = created.getId();
    outs = created.getProperties()!.toJavaScript() as Props;
    const password = outs.password as Props;
    expect(password[SECRET_KEY]).to.equal(SECRET_SIG);
    expect(password.value).to.be.a("string").with.length.above(8);
    expect(id).to.equal(`${registryId()}/${outs.tokenId as string}`);
  });

  it("refreshes keeping the password secret, then updates in place with one PATCH", async () => {
    emulator.admin.patchToken(registryId(), outs.tokenId as string, { status: "disabled" });
    const read = await call<provproto.ReadResponse>(
      "read",
      new provproto.ReadRequest().setId(id).setUrn(URN).setProperties(struct(outs)).setInputs(struct(inputs)),
    );
    const refreshed = read.getProperties()!.toJavaScript() as Props;
    expect(refreshed.status).to.equal("disabled");
    expect(refreshed.password).to.deep.equal(outs.password);
    // The drifted declared property is reported in the inputs, as it now is (what `preview --diff` shows on
    // the left, and what `ignoreChanges` keeps); every other input stays as stored.
    expect(read.getInputs()!.toJavaScript()).to.deep.equal({ ...inputs, status: "disabled" });
    const diff = await call<provproto.DiffResponse>(
      "diff",
      new provproto.DiffRequest().setId(id).setUrn(URN).setOlds(struct(refreshed)).setNews(struct(inputs)),
    );
    expect(diff.getChanges()).to.equal(provproto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(diff.getReplacesList()).to.deep.equal([]);
    // A detailed diff by the provider's own comparison: exactly the drifted property, changed in place.
    expect(diff.getHasdetaileddiff()).to.equal(true);
    expect(diff.getDiffsList()).to.deep.equal(["status"]);
    const details = diff.getDetaileddiffMap();
    expect(details.getLength()).to.equal(1);
    expect(details.get("status")?.getKind()).to.equal(provproto.PropertyDiff.Kind.UPDATE);
    const reordered = { ...inputs, scopes: [{ name: "*", type: "repository", actions: ["pull", "pull"] }] };
    const same = await call<provproto.DiffResponse>(
      "diff",
      new provproto.DiffRequest().setId(id).setUrn(URN).setOlds(struct(outs)).setNews(struct(reordered)),
    );
    expect(same.getChanges()).to.equal(provproto.DiffResponse.DiffChanges.DIFF_NONE);
    const renamed = await call<provproto.DiffResponse>(
      "diff",
      new provproto.DiffRequest()
        .setId(id)
        .setUrn(URN)
        .setOlds(struct(outs))
        .setNews(struct({ ...inputs, name: "ci-renamed" })),
    );
    expect(renamed.getDetaileddiffMap().get("name")?.getKind()).to.equal(
      provproto.PropertyDiff.Kind.UPDATE_REPLACE,
    );
    expect(renamed.getReplacesList()).to.deep.equal(["name"]);
    emulator.clearRequests();
    const updated = await call<provproto.UpdateResponse>(
      "update",
      new provproto.UpdateRequest().setId(id).setUrn(URN).setOlds(struct(refreshed)).setNews(struct(inputs)),
    );
    expect(writes()).to.deep.equal(["PATCH 200"]);
    const after = updated.getProperties()!.toJavaScript() as Props;
    expect(after.status).to.equal("enabled");
    expect(after.password).to.deep.equal(outs.password);
  });

  it("imports by ID alone (plain `pulumi import`): the token's inputs, an empty secret password", async () => {
    const read = await call<provproto.ReadResponse>(
      "read",
      new provproto.ReadRequest().setId(id).setUrn(URN),
    );
    const imported = read.getInputs()!.toJavaScript() as Props;
    expect(imported).to.include({ registryId: registryId(), name: inputs.name, status: "enabled" });
    expect((read.getProperties()!.toJavaScript() as Props).password).to.deep.equal({
      [SECRET_KEY]: SECRET_SIG,
      value: "",
    });
  });

  it("serves the look-ups as invokes: by name and by id, and a list by prefix, never a password", async () => {
    const invoke = (token: string, args: Props) =>
      call<provproto.InvokeResponse>(
        "invoke",
        new provproto.InvokeRequest().setTok(token).setArgs(struct(args)),
      );
    const byName = (
      await invoke("ionos-registry-token:index:getRegistryToken", {
        registryId: registryId(),
        name: inputs.name as string,
      })
    )
      .getReturn()!
      .toJavaScript() as Props;
    expect(byName).to.include({ tokenId: outs.tokenId, name: inputs.name });
    expect(byName).to.not.have.property("password");
    const list = (
      await invoke("ionos-registry-token:index:getRegistryTokens", {
        registryId: registryId(),
        namePrefix: "ci-",
      })
    )
      .getReturn()!
      .toJavaScript() as { tokens: Props[] };
    expect(list.tokens.map((t) => t.tokenId)).to.deep.equal([outs.tokenId]);
  });

  it("deletes with one DELETE", async () => {
    emulator.clearRequests();
    await call("delete", new provproto.DeleteRequest().setId(id).setUrn(URN).setProperties(struct(outs)));
    expect(writes()).to.deep.equal(["DELETE 204"]);
    expect(emulator.admin.listTokens(registryId())).to.deep.equal([]);
  });

  it("a value that arrives secret leaves secret, at any depth: check, create, read, update and invokes", async () => {
    const secret = (value: unknown) => ({ [SECRET_KEY]: SECRET_SIG, value });
    const isSecret = (value: unknown) => (value as Props | undefined)?.[SECRET_KEY] === SECRET_SIG;
    const seed = `seed-${randomBytes(6).toString("hex")}`;
    const news = {
      registryId: secret(registryId()),
      name: "ci-secret",
      rotationTriggers: { seed: secret(seed), schedule: "yearly" },
      scopes: [{ name: secret("team-a/app"), type: "repository", actions: ["pull"] }],
    };
    const checked = await call<provproto.CheckResponse>(
      "check",
      new provproto.CheckRequest().setUrn(pluginUrn("secret")).setNews(struct(news)),
    );
    expect(checked.getFailuresList()).to.deep.equal([]);
    const checkedInputs = checked.getInputs()!.toJavaScript() as Props;
    for (const key of ["registryId", "rotationTriggers", "scopes"])
      expect(isSecret(checkedInputs[key]), `checked input ${key}`).to.equal(true);
    expect(isSecret(checkedInputs.name), "name, given in plain text").to.equal(false);

    const created = await call<provproto.CreateResponse>(
      "create",
      new provproto.CreateRequest().setUrn(pluginUrn("secret")).setProperties(checked.getInputs()),
    );
    const createdOuts = created.getProperties()!.toJavaScript() as Props;
    for (const key of ["registryId", "rotationTriggers", "scopes", "password"])
      expect(isSecret(createdOuts[key]), `created output ${key}`).to.equal(true);
    expect(isSecret(createdOuts.status)).to.equal(false);

    const read = await call<provproto.ReadResponse>(
      "read",
      new provproto.ReadRequest()
        .setId(created.getId())
        .setUrn(pluginUrn("secret"))
        .setProperties(created.getProperties())
        .setInputs(checked.getInputs()),
    );
    const readOuts = read.getProperties()!.toJavaScript() as Props;
    const readInputs = read.getInputs()!.toJavaScript() as Props;
    for (const key of ["registryId", "rotationTriggers", "scopes"]) {
      expect(isSecret(readOuts[key]), `refreshed output ${key}`).to.equal(true);
      expect(isSecret(readInputs[key]), `refreshed input ${key}`).to.equal(true);
    }

    // A name that arrives secret: the name, and the username that repeats it, leave secret.
    const renamed = { ...news, name: secret("ci-secret") };
    const updated = await call<provproto.UpdateResponse>(
      "update",
      new provproto.UpdateRequest()
        .setId(created.getId())
        .setUrn(pluginUrn("secret"))
        .setOlds(created.getProperties())
        .setNews(struct({ ...(checkedInputs as Props), name: renamed.name, status: "disabled" })),
    );
    const updatedOuts = updated.getProperties()!.toJavaScript() as Props;
    for (const key of ["name", "username", "registryId", "scopes", "rotationTriggers", "password"])
      expect(isSecret(updatedOuts[key]), `updated output ${key}`).to.equal(true);

    const invoked = (
      await call<provproto.InvokeResponse>(
        "invoke",
        new provproto.InvokeRequest()
          .setTok("ionos-registry-token:index:getRegistryToken")
          .setArgs(struct({ registryId: registryId(), name: secret("ci-secret") })),
      )
    )
      .getReturn()!
      .toJavaScript() as Props;
    expect(Object.keys(invoked)).to.include.members(["name", "tokenId", "registryId"]);
    for (const [key, value] of Object.entries(invoked))
      expect(isSecret(value), `look-up result ${key}`).to.equal(true);

    await call("delete", new provproto.DeleteRequest().setId(created.getId()).setUrn(pluginUrn("secret")));
  });

  it("an update's preview shows what the update stores: a removed optional input becomes null", async () => {
    const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
    const token = await plugin.up("planned", {
      registryId: registryId(),
      name: "ci-planned",
      expiryDate: expiry,
      rotationTriggers: { generation: "1" },
    });
    expect(token.outs.expiryDate).to.equal(expiry);
    const lifetime = await plugin.update(
      "planned",
      token,
      await plugin.check("planned", {
        registryId: registryId(),
        name: "ci-planned",
        expiresIn: "90d",
        rotateBefore: "7d",
        rotationTriggers: { generation: "1" },
      }),
    );
    expect(lifetime.outs).to.include({ expiresIn: "90d", rotateBefore: "7d" });
    // The program drops every optional input but the rotation triggers.
    const news = await plugin.check(
      "planned",
      { registryId: registryId(), name: "ci-planned", rotationTriggers: { generation: "1" } },
      lifetime.inputs,
    );
    emulator.clearRequests();
    const preview = await plugin.update("planned", lifetime, news, true);
    expect(emulator.requests(), "a preview calls no API").to.deep.equal([]);
    const applied = await plugin.update("planned", lifetime, news);
    for (const key of ["expiryDate", "expiresIn", "rotateBefore"]) {
      expect(applied.outs[key], `${key} stored by the update`).to.equal(null);
      expect(preview.outs[key], `${key} shown by the preview`).to.equal(applied.outs[key]);
    }
    await plugin.delete("planned", applied);
  });

  it("`pulumi package get-schema` (the real CLI) prints the same schema", async () => {
    requirePulumi();
    const home = mkdtempSync(path.join(tmpdir(), "plugin-schema-"));
    try {
      const printed = execFileSync("pulumi", ["package", "get-schema", PLUGIN_PATH], {
        encoding: "utf8",
        env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_HOME: home },
      });
      const served = (
        await call<provproto.GetSchemaResponse>("getSchema", new provproto.GetSchemaRequest())
      ).getSchema();
      expect(JSON.parse(printed)).to.deep.equal(JSON.parse(served));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
