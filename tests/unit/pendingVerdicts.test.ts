import { expect } from "chai";
import type { WireToken } from "../../provider/client/models";
import { PLUGIN_REGISTRY_TOKEN_TYPE, REGISTRY_TOKEN_TYPE } from "../../provider/cli/resourceTypes";
import {
  judgePending,
  type PendingEvidence,
  type PendingOperation,
  type RunStart,
} from "../../provider/cli/pending/verdicts";
import { fileBackendRoot } from "../../provider/cli/pending/stackState";
import { PLUGIN_TOKEN_TYPE } from "../../provider/plugin/schema";
import { homedir } from "os";
import * as path from "path";

const REGISTRY = "5f1d0c3a-9b8e-4a7f-8c6d-2e1b0a9f8e7d";
const TOKEN_U = "0b6a3c1d-2e4f-4a5b-8c7d-9e0f1a2b3c4d";
const TOKEN_D = "1c7b4d2e-3f5a-4b6c-9d8e-0f1a2b3c4d5e";
const RUN_START: RunStart = { at: Date.parse("2026-12-06T12:00:00.400Z"), source: "the lock", exact: true };
const urn = (name: string, type = PLUGIN_REGISTRY_TOKEN_TYPE) => `urn:pulumi:dev::p::${type}::${name}`;

function create(
  resource: string,
  inputs: Record<string, unknown>,
  type = PLUGIN_REGISTRY_TOKEN_TYPE,
): PendingOperation {
  return { type: "creating", resource: { urn: urn(resource, type), type, inputs } };
}

function token(
  id: string,
  name: string,
  createdDate: string,
  extra: Partial<WireToken["properties"]> = {},
): WireToken {
  return {
    id,
    properties: { name, status: "enabled", scopes: [], ...extra },
    metadata: { createdDate },
  } as unknown as WireToken;
}

/** Judges one pending create of `inputs` against `tokens`, by default with the run's exact start known. */
function judgeOne(inputs: Record<string, unknown>, tokens: WireToken[], more: Partial<PendingEvidence> = {}) {
  const rows = judgePending({
    pending: [create("tok", { registryId: REGISTRY, status: "enabled", scopes: [], ...inputs })],
    resources: [],
    tokensByRegistry: new Map([[REGISTRY, tokens]]),
    runStart: RUN_START,
    ...more,
  });
  expect(rows).to.have.length(1);
  return rows[0]!;
}

const generated = { name: "tok-a1b2c3d4", namePrefix: "tok" };

describe("pending: the verdict on each pending operation", () => {
  it("the plugin's type token is the schema's", () => {
    expect(PLUGIN_REGISTRY_TOKEN_TYPE).to.equal(PLUGIN_TOKEN_TYPE);
  });

  it("orphan: exactly its name, in its registry, held by nobody, created in the run, as sent", () => {
    const row = judgeOne(generated, [token("t1", "tok-a1b2c3d4", "2026-12-06T12:00:05Z")]);
    expect(row).to.include({ verdict: "orphan", tokenId: "t1", name: "tok-a1b2c3d4", registryId: REGISTRY });
    expect(row.createdDate).to.equal("2026-12-06T12:00:05Z");
  });

  it("a token dated the run's first second counts as made in the run (the API's dates have whole seconds)", () => {
    expect(judgeOne(generated, [token("t1", "tok-a1b2c3d4", "2026-12-06T12:00:00Z")]).verdict).to.equal(
      "orphan",
    );
  });

  it("unsure: a token created before the interrupted run began, whatever its name", () => {
    const row = judgeOne(generated, [token("t1", "tok-a1b2c3d4", "2026-12-06T11:59:59Z")]);
    expect(row.verdict).to.equal("unsure");
    expect(row.reason).to.include(
      "before the interrupted run began (2026-12-06T12:00:00.400Z, from the lock)",
    );
  });

  it("unsure: a token the stack holds, in either mode's type", () => {
    for (const type of [REGISTRY_TOKEN_TYPE, PLUGIN_REGISTRY_TOKEN_TYPE]) {
      const row = judgeOne(generated, [token("t1", "tok-a1b2c3d4", "2026-12-06T12:00:05Z")], {
        resources: [{ urn: urn("other", type), type, id: `${REGISTRY}/t1` }],
      });
      expect(row.verdict).to.equal("unsure");
      expect(row.reason).to.equal(`The stack holds this token as ${urn("other", type)}.`);
    }
  });

  it("absent: no token of that name; a name differing only in case is someone else's (unsure)", () => {
    expect(judgeOne(generated, [token("t1", "tok-zzzzzzzz", "2026-12-06T12:00:05Z")]).verdict).to.equal(
      "absent",
    );
    const cased = judgeOne(generated, [token("t1", "Tok-A1B2C3D4", "2026-12-06T12:00:05Z")]);
    expect(cased.verdict).to.equal("unsure");
    expect(cased.reason).to.include('differs from "tok-a1b2c3d4" only in case');
  });

  it("a chosen name needs the run's own start; a generated one is proven by its drawn suffix", () => {
    const since = {
      at: Date.parse("2026-12-06T11:00:00Z"),
      source: "the end of the last completed update",
      exact: false,
    };
    const tokens = [
      token("t1", "ci-push", "2026-12-06T12:00:05Z"),
      token("t2", "tok-a1b2c3d4", "2026-12-06T12:00:05Z"),
    ];
    const chosen = judgeOne({ name: "ci-push" }, tokens, { runStart: since });
    expect(chosen.verdict).to.equal("unsure");
    expect(chosen.reason).to.include("Pass --since");
    expect(judgeOne(generated, tokens, { runStart: since }).verdict).to.equal("orphan");
    expect(judgeOne({ name: "ci-push" }, tokens).verdict).to.equal("orphan");
  });

  it("unsure without any bound on the run's start, naming --since", () => {
    const row = judgeOne(generated, [token("t1", "tok-a1b2c3d4", "2026-12-06T12:00:05Z")], {
      runStart: undefined,
    });
    expect(row.verdict).to.equal("unsure");
    expect(row.reason).to.include("pass --since");
  });

  it("unsure: a token that differs from what the create sent, naming each property", () => {
    const scopes = [{ name: "app", type: "repository", actions: ["pull"] }];
    const row = judgeOne({ ...generated, scopes, expiryDate: "2027-01-01T00:00:00Z" }, [
      token("t1", "tok-a1b2c3d4", "2026-12-06T12:00:05Z", { status: "disabled", scopes: [] }),
    ]);
    expect(row.verdict).to.equal("unsure");
    expect(row.reason).to.include("Its status, scopes, expiryDate differ from what the create sent");
  });

  it("unsure: a registry id or name stored as a secret is never decrypted", () => {
    const secret = {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      ciphertext: "x",
    };
    const row = judgeOne({ name: secret }, []);
    expect(row.verdict).to.equal("unsure");
    expect(row.reason).to.include("is a secret in the state");
    expect(row.name).to.equal(undefined);
  });

  it("unsure: a status, scopes or expiryDate stored as a secret cannot be compared", () => {
    const secret = {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      ciphertext: "x",
    };
    const row = judgeOne({ ...generated, scopes: secret }, [
      token("t1", "tok-a1b2c3d4", "2026-12-06T12:00:05Z"),
    ]);
    expect(row.verdict).to.equal("unsure");
    expect(row.reason).to.include("Its scopes is a secret in the state");
  });

  it("unsure: a registry that could not be read", () => {
    const row = judgeOne(generated, [], { tokensByRegistry: new Map() });
    expect(row).to.include({ verdict: "unsure", reason: `Registry ${REGISTRY} could not be read.` });
  });

  it("retry: an interrupted update or delete, which the next run repeats; other types are not listed", () => {
    const rows = judgePending({
      pending: [
        {
          type: "updating",
          resource: { urn: urn("u"), type: PLUGIN_REGISTRY_TOKEN_TYPE, id: `${REGISTRY}/${TOKEN_U}` },
        },
        {
          type: "deleting",
          resource: { urn: urn("d"), type: REGISTRY_TOKEN_TYPE, id: `${REGISTRY}/${TOKEN_D}` },
        },
        { type: "creating", resource: { urn: "urn:pulumi:dev::p::aws:s3:Bucket::b", type: "aws:s3:Bucket" } },
        // An entry without a resource (a hand-edited state) is not a RegistryToken's, and no crash.
        { type: "creating" } as unknown as PendingOperation,
      ],
      resources: [],
      tokensByRegistry: new Map(),
    });
    expect(rows.map((r) => [r.resource, r.verdict, r.registryId, r.tokenId])).to.deep.equal([
      ["u", "retry", REGISTRY, TOKEN_U],
      ["d", "retry", REGISTRY, TOKEN_D],
    ]);
    expect(rows[1]!.reason).to.include("the next `pulumi destroy` or `pulumi up` deletes it again");
  });
});

describe("pending: the file backend's folder, as Pulumi reads the URL `pulumi whoami` prints", () => {
  it("expands ~, resolves a relative path from the project, and drops the query", () => {
    expect(fileBackendRoot("file://~", "/work/p")).to.equal(homedir());
    expect(fileBackendRoot("file://~/state", "/work/p")).to.equal(path.join(homedir(), "state"));
    expect(fileBackendRoot("file:///var/pulumi?no_tmp_dir=true", "/work/p")).to.equal("/var/pulumi");
    expect(fileBackendRoot("file://./state", "/work/p")).to.equal("/work/p/state");
  });
});
