import { expect } from "chai";
import * as sinon from "sinon";
import { ionosApiError, isIonosApiError } from "../../provider/client/errors";
import type { WireToken } from "../../provider/client/models";
import type { TokensApi } from "../../provider/client/tokens";
import { createToken } from "../../provider/lifecycle/creation";
import { deleteToken, readToken, updateToken } from "../../provider/lifecycle/operations";
import type { TokenInputs } from "../../provider/rules/types";
import { pullTokenInputs } from "../support/fixtures";

const REGISTRY = "1b0a5c2e-7d3f-4c1a-9e8b-2f6d4a0c9b17";
const TOKEN = "8fb592e4-494c-11ed-b878-0242ac120002";
const ID = `${REGISTRY}/${TOKEN}`;
const NOW = Date.parse("2030-01-01T00:00:00Z");
const inputs: TokenInputs = pullTokenInputs(REGISTRY, "ci");
/** The same token with a name generated for this resource (prefix "ci"): the only kind recovery may delete. */
const generated: TokenInputs = { ...inputs, name: "ci-k2x9q4mz", namePrefix: "ci" };

function wire(
  overrides: Partial<WireToken["properties"]> = {},
  createdDate = "2030-01-01T00:00:00Z",
  id = TOKEN,
): WireToken {
  return {
    id,
    metadata: { createdDate, state: "enabled" },
    properties: {
      name: "ci",
      credentials: { username: "ci", password: "" },
      expiryDate: null,
      scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
      status: "enabled",
      ...overrides,
    },
  };
}

/** A failure as the client reports it; an answer (status > 0) is the API's own unless `fromApi` says not. */
function apiError(status: number, method = "POST", ambiguous = false, fromApi = status > 0) {
  return ionosApiError({
    operation: "op",
    method,
    route: "/r",
    status,
    messages: [],
    retryable: false,
    attempts: 1,
    ambiguous,
    ...(status > 0 ? { fromApi } : {}),
  });
}

function fakeApi() {
  return {
    list: sinon.stub(),
    findByName: sinon.stub(),
    get: sinon.stub(),
    create: sinon.stub(),
    put: sinon.stub(),
    patch: sinon.stub(),
    delete: sinon.stub().resolves(),
  };
}
const asApi = (f: ReturnType<typeof fakeApi>) => f as unknown as TokensApi;

describe("operations.ts", () => {
  afterEach(() => sinon.restore());

  describe("createToken", () => {
    it("POSTs the properties and returns every output with the password", async () => {
      const api = fakeApi();
      api.create.resolves(wire({ credentials: { username: "ci", password: "pw-1" } }));
      const { id, outs } = await createToken(asApi(api), inputs, () => NOW);
      expect(api.create.firstCall.args).to.deep.equal([
        REGISTRY,
        {
          name: "ci",
          expiryDate: null,
          scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
          status: "enabled",
        },
      ]);
      expect(id).to.equal(ID);
      expect(outs).to.deep.equal({
        ...inputs,
        tokenId: TOKEN,
        username: "ci",
        password: "pw-1",
        createdDate: "2030-01-01T00:00:00Z",
      });
    });

    it("reports a name conflict (409) clearly", async () => {
      const api = fakeApi();
      api.create.rejects(apiError(409));
      const error = await createToken(asApi(api), inputs).catch((e) => e);
      expect(error.message).to.match(/A token named "ci" already exists in registry/);
      expect(api.delete.called).to.equal(false);
    });

    it("a lost answer after the engine is gone: no look-up, no delete, no second POST, and the error says why", async () => {
      const api = fakeApi();
      api.create.rejects(apiError(0, "POST", true, false));
      const error = (await createToken(asApi(api), inputs, Date.now, { engineGone: () => true }).catch(
        (e) => e,
      )) as Error;
      expect(api.create.callCount).to.equal(1);
      expect(api.findByName.called).to.equal(false);
      expect(api.delete.called).to.equal(false);
      expect(error.message).to.include(
        `The engine that asked for token "ci" in registry ${inputs.registryId} is gone (the \`pulumi\` run was ` +
          "killed), so the create stopped instead of retrying",
      );
      expect(error.message).to.include("Run `ionos-registry-token pending` in the project");
    });

    it("a 409 names the token holding the name, points at `pending`, and names deleteBeforeReplace for `--replace`", async () => {
      const api = fakeApi();
      api.create.rejects(apiError(409));
      api.findByName.resolves({
        id: "7d1c0f2e-0000-4000-8000-000000000001",
        properties: { name: "ci" },
        metadata: { createdDate: "2026-12-06T12:00:01Z" },
      });
      const error = (await createToken(asApi(api), inputs).catch((e) => e)) as Error;
      expect(error.message).to.equal(
        `A token named "ci" (7d1c0f2e-0000-4000-8000-000000000001) already exists in registry ${inputs.registryId} ` +
          "(created 2026-12-06T12:00:01Z; names are unique per registry). If a `pulumi` run was interrupted " +
          "(killed) while creating this resource, this is likely the token it made and could not record: " +
          "`ionos-registry-token pending`, run in this project, shows it and deletes it when it is provably this " +
          "stack's. If it is this resource's own token and this is `pulumi up --replace`, set the resource option " +
          "`deleteBeforeReplace: true` (a forced replacement creates first without it). Otherwise choose another " +
          "name, omit `name` to get a generated one, or delete the existing token.",
      );
      expect(api.delete.called).to.equal(false);
    });

    it("a 409 whose holder cannot be looked up still names the name, the registry and both ways out", async () => {
      const api = fakeApi();
      api.create.rejects(apiError(409));
      api.findByName.rejects(new Error("look-up failed"));
      const error = (await createToken(asApi(api), inputs).catch((e) => e)) as Error;
      expect(error.message).to.include(
        `A token named "ci" already exists in registry ${inputs.registryId} (names`,
      );
      expect(error.message).to.include("`ionos-registry-token pending`");
      expect(error.message).to.include("`pulumi up --replace`");
      expect(api.delete.called).to.equal(false);
    });

    it("after a lost answer, deletes the token that attempt created and retries", async () => {
      const api = fakeApi();
      api.create.onCall(0).rejects(apiError(0, "POST", true));
      api.create
        .onCall(1)
        .resolves(
          wire(
            { credentials: { username: "ci", password: "pw-2" } },
            "2030-01-01T00:00:01Z",
            "ffffffff-494c-11ed-b878-0242ac120002",
          ),
        );
      api.findByName.resolves(wire({ name: generated.name }, "2030-01-01T00:00:00Z"));
      const { outs } = await createToken(asApi(api), generated, () => NOW);
      expect(api.delete.calledOnceWithExactly(REGISTRY, TOKEN)).to.equal(true);
      expect(outs.password).to.equal("pw-2");
      expect(api.create.callCount).to.equal(2);
    });

    it("after a lost answer, leaves alone a matching token with a chosen name, and names it", async () => {
      // Stack B may have created the same chosen name, with the same properties, while our POST was lost.
      const api = fakeApi();
      api.create.rejects(apiError(503, "POST", true));
      api.findByName.resolves(wire({}, "2030-01-01T00:00:00Z"));
      const error = await createToken(asApi(api), inputs, () => NOW).catch((e) => e);
      expect(error.message).to.include(`A token named "ci" now exists in registry ${REGISTRY}: ${TOKEN}`);
      expect(error.message).to.match(/a chosen\s+name cannot prove which, so it was left alone/);
      expect(error.message).to.match(/delete it and run\s+`pulumi up` again/);
      expect(api.delete.called).to.equal(false);
      expect(api.create.callCount).to.equal(1);
    });

    it("after a lost answer, never deletes a token whose name differs from ours only in case", async () => {
      // It blocks the name (the registry compares names without case) but was not made by our POST.
      const api = fakeApi();
      api.create.rejects(apiError(503, "POST", true));
      api.findByName.resolves(wire({ name: generated.name.toUpperCase() }, "2030-01-01T00:00:00Z"));
      const error = await createToken(asApi(api), generated, () => NOW).catch((e) => e);
      expect(error.message).to.include(`(${TOKEN}) already exists`);
      expect(api.delete.called).to.equal(false);
    });

    it("a 409 for a chosen name, or for a token that only resembles our generated name, deletes nothing", async () => {
      for (const [what, mine, theirs] of [
        ["chosen", inputs, inputs.name],
        ["case variant", generated, generated.name.toUpperCase()],
      ] as const) {
        const api = fakeApi();
        api.create.rejects(apiError(409));
        api.findByName.resolves(wire({ name: theirs }, "2029-01-01T00:00:00Z"));
        const error = await createToken(asApi(api), mine, () => NOW).catch((e) => e);
        expect(error.message, what).to.match(/already exists/);
        expect(api.delete.called, what).to.equal(false);
        expect(api.create.callCount, what).to.equal(1);
      }
    });

    it("after a lost answer with no token found, simply retries", async () => {
      const api = fakeApi();
      api.create.onCall(0).rejects(apiError(502, "POST", true));
      api.create.onCall(1).resolves(wire({ credentials: { username: "ci", password: "pw" } }));
      api.findByName.resolves(undefined);
      await createToken(asApi(api), inputs, () => NOW);
      expect(api.delete.called).to.equal(false);
      expect(api.create.callCount).to.equal(2);
    });

    it("never deletes a token that existed before the attempt", async () => {
      const api = fakeApi();
      api.create.rejects(apiError(0, "POST", true));
      api.findByName.resolves(wire({}, "2029-06-01T00:00:00Z"));
      const error = await createToken(asApi(api), inputs, () => NOW).catch((e) => e);
      expect(error.message).to.match(/already exists/);
      expect(api.delete.called).to.equal(false);
    });

    it("gives up after three lost answers, leaving no token behind", async () => {
      const api = fakeApi();
      api.create.rejects(apiError(500, "POST", true));
      api.findByName.resolves(wire({ name: generated.name }, "2030-01-01T00:00:00Z"));
      const error = await createToken(asApi(api), generated, () => NOW).catch((e) => e);
      expect(isIonosApiError(error)).to.equal(true);
      expect(api.create.callCount).to.equal(3);
      expect(api.delete.callCount).to.equal(3);
    });

    it("treats a 409 after a lost answer as our late-landing token: cleans it up and retries", async () => {
      const api = fakeApi();
      api.create.onCall(0).rejects(apiError(0, "POST", true));
      api.create.onCall(1).rejects(apiError(409));
      api.create.onCall(2).resolves(wire({ credentials: { username: "ci", password: "pw-3" } }));
      api.findByName.onCall(0).resolves(undefined); // not committed yet when first looked for
      api.findByName.onCall(1).resolves(wire({ name: generated.name }, "2030-01-01T00:00:00Z")); // landed late
      const { outs } = await createToken(asApi(api), generated, () => NOW);
      expect(outs.password).to.equal("pw-3");
      expect(api.delete.calledOnceWithExactly(REGISTRY, TOKEN)).to.equal(true);
    });

    it("leaves alone a recent same-named token whose properties differ from ours", async () => {
      const api = fakeApi();
      api.create.rejects(apiError(503, "POST", true));
      api.findByName.resolves(wire({ status: "disabled" }, "2030-01-01T00:00:00Z"));
      const error = await createToken(asApi(api), inputs, () => NOW).catch((e) => e);
      expect(error.message).to.match(/already exists/);
      expect(api.delete.called).to.equal(false);
    });

    it("leaves alone a same-named token created more than a minute before the attempt", async () => {
      const api = fakeApi();
      api.create.rejects(apiError(503, "POST", true));
      api.findByName.resolves(wire({}, "2029-12-31T23:58:30Z"));
      const error = await createToken(asApi(api), inputs, () => NOW).catch((e) => e);
      expect(error.message).to.match(/already exists/);
      expect(api.delete.called).to.equal(false);
    });

    it("says which token to delete by hand when cleaning up fails", async () => {
      const api = fakeApi();
      api.create.resolves(wire());
      api.delete.rejects(apiError(503, "DELETE"));
      const error = await createToken(asApi(api), inputs).catch((e) => e);
      expect(error.message).to.match(
        new RegExp(`Token ${TOKEN} in registry ${REGISTRY} had to be deleted.*Delete it by hand`, "s"),
      );
    });

    it("says the state is uncertain when the lookup fails too", async () => {
      const api = fakeApi();
      api.create.rejects(apiError(0, "POST", true));
      api.findByName.rejects(new Error("lookup broke"));
      const error = await createToken(asApi(api), inputs, () => NOW).catch((e) => e);
      expect(error.message).to.match(/may have been created.*lookup broke.*pulumi refresh/s);
    });

    it("deletes a token created without a password and fails", async () => {
      const api = fakeApi();
      api.create.resolves(wire());
      const error = await createToken(asApi(api), inputs).catch((e) => e);
      expect(error.message).to.match(/returned no password/);
      expect(api.delete.calledOnceWithExactly(REGISTRY, TOKEN)).to.equal(true);
    });

    it("does not retry on a definite failure", async () => {
      const api = fakeApi();
      api.create.rejects(apiError(400));
      expect((await createToken(asApi(api), inputs).catch((e) => e)).status).to.equal(400);
      expect(api.findByName.called).to.equal(false);
    });
  });

  describe("readToken", () => {
    it("on a refresh without drift returns no inputs: the stored ones stay exactly as they were", async () => {
      const api = fakeApi();
      api.get.resolves(wire({ status: "disabled" }));
      const result = await readToken(asApi(api), ID, {
        tokenId: TOKEN,
        password: "kept",
        status: "disabled",
        scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
      });
      expect(result.props?.status).to.equal("disabled");
      expect(result).to.not.have.property("inputs");
    });

    it("on a refresh with drift returns the stored inputs with each drifted declared property as it now is", async () => {
      const api = fakeApi();
      api.get.resolves(
        wire({
          status: "disabled",
          expiryDate: "2031-01-01T00:00:00Z",
          scopes: [{ name: "app", type: "repository", actions: ["pull", "push"] }],
        }),
      );
      const stored = {
        registryId: REGISTRY,
        name: "ci",
        status: "enabled" as const,
        expiryDate: "2030-06-01T00:00:00+00:00",
        scopes: [{ name: "app", type: "repository" as const, actions: ["pull" as const] }],
      };
      const before = { ...stored, tokenId: TOKEN, password: "kept", expiryDate: "2030-06-01T00:00:00Z" };
      const result = await readToken(asApi(api), ID, before, stored);
      expect(result.inputs).to.deep.equal({
        ...stored,
        status: "disabled",
        expiryDate: "2031-01-01T00:00:00Z",
        scopes: [{ name: "app", type: "repository", actions: ["pull", "push"] }],
      });
    });

    it("a planned expiry (expiresIn) that drifted stays planned in the inputs: the next up restores it", async () => {
      const api = fakeApi();
      api.get.resolves(wire({ expiryDate: "2031-01-01T00:00:00Z" }));
      const stored = {
        registryId: REGISTRY,
        name: "ci",
        expiresIn: "90d",
        expiryDate: "2030-06-01T00:00:00Z",
      };
      const result = await readToken(
        asApi(api),
        ID,
        {
          ...stored,
          tokenId: TOKEN,
          status: "enabled",
          scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
        },
        stored,
      );
      expect(result.props?.expiryDate).to.equal("2031-01-01T00:00:00Z");
      expect(result).to.not.have.property("inputs");
    });

    it("maps the live token and carries the stored password over", async () => {
      const api = fakeApi();
      api.get.resolves(wire({ status: "disabled", expiryDate: "2031-01-01T00:00:00.000Z" }));
      const result = await readToken(asApi(api), ID, { password: "kept", namePrefix: "ci" });
      expect(result.id).to.equal(ID);
      expect(result.props).to.deep.include({
        password: "kept",
        status: "disabled",
        expiryDate: "2031-01-01T00:00:00Z",
        namePrefix: "ci",
      });
      expect(result.inputs).to.not.have.property("password");
      expect(result.inputs).to.deep.include({ status: "disabled", name: "ci", registryId: REGISTRY });
    });

    it("returns an empty id when the token is gone", async () => {
      const api = fakeApi();
      api.get.rejects(apiError(404, "GET"));
      expect(await readToken(asApi(api), ID, {})).to.deep.equal({ id: "" });
    });

    it("fails on a 404 that is not the API's answer (a wrong endpoint): the token is not dropped from the state", async () => {
      const api = fakeApi();
      api.get.rejects(apiError(404, "GET", false, false));
      const error = await readToken(asApi(api), ID, {}).catch((e: unknown) => e);
      expect((error as { status: number }).status).to.equal(404);
    });

    it("reads from the ID alone with an empty password, silently (it is documented, not news on every run)", async () => {
      const api = fakeApi();
      api.get.resolves(wire());
      const warn = sinon.stub(console, "warn");
      const result = await readToken(asApi(api), ID, {});
      warn.restore();
      expect(result.props?.password).to.equal("");
      expect(result.props?.registryId).to.equal(REGISTRY);
      expect(warn.called).to.equal(false);
    });

    it("rejects a malformed ID", async () => {
      const error = await readToken(asApi(fakeApi()), "nope", {}).catch((e) => e);
      expect(error.message).to.match(/expected "<registryId>\/<tokenId>"/);
    });

    it("propagates other errors", async () => {
      const api = fakeApi();
      api.get.rejects(apiError(500, "GET"));
      expect((await readToken(asApi(api), ID, {}).catch((e) => e)).status).to.equal(500);
    });
  });

  describe("updateToken", () => {
    const olds = {
      ...inputs,
      tokenId: TOKEN,
      username: "ci",
      password: "pw-old",
      createdDate: "2030-01-01T00:00:00Z",
    };

    it("PATCHes only what changed and keeps the password", async () => {
      const api = fakeApi();
      api.patch.resolves(wire({ status: "disabled" }));
      const outs = await updateToken(asApi(api), ID, olds, { ...inputs, status: "disabled" });
      expect(api.patch.firstCall.args).to.deep.equal([REGISTRY, TOKEN, { status: "disabled" }]);
      expect(outs.password).to.equal("pw-old");
      expect(outs.status).to.equal("disabled");
    });

    it("sends expiryDate null to remove an expiry and the full scope list", async () => {
      const api = fakeApi();
      api.patch.resolves(wire());
      await updateToken(
        asApi(api),
        ID,
        { ...olds, expiryDate: "2031-01-01T00:00:00Z" },
        { ...inputs, scopes: [] },
      );
      expect(api.patch.firstCall.args[2]).to.deep.equal({ expiryDate: null, scopes: [] });
    });

    it("makes no call when nothing the API holds changed", async () => {
      const api = fakeApi();
      const outs = await updateToken(asApi(api), ID, olds, { ...inputs, namePrefix: "other" });
      expect(api.patch.called).to.equal(false);
      expect(outs).to.deep.equal({ ...olds, namePrefix: "other" });
    });

    it("recreates a vanished token at the same id with PUT and a fresh password", async () => {
      const api = fakeApi();
      api.patch.rejects(apiError(404, "PATCH"));
      api.put.resolves(wire({ status: "disabled", credentials: { username: "ci", password: "pw-new" } }));
      const outs = await updateToken(asApi(api), ID, olds, { ...inputs, status: "disabled" });
      expect(api.put.firstCall.args.slice(0, 2)).to.deep.equal([REGISTRY, TOKEN]);
      expect(api.put.firstCall.args[2]).to.deep.include({ name: "ci", status: "disabled" });
      expect(outs.password).to.equal("pw-new");
    });

    for (const [what, expiresIn, advice] of [
      ["a fixed expiry", null, /Set a later expiryDate \(or remove it\)/],
      ["a lifetime", "30d", /replaced by a new one/],
    ] as const) {
      it(`a vanished token whose ${what} is under an hour ahead: a clear error, no write`, async () => {
        const api = fakeApi();
        api.patch.rejects(apiError(404, "PATCH"));
        const news = {
          ...inputs,
          expiresIn,
          expiryDate: "2030-01-01T00:30:00Z",
          status: "disabled" as const,
        };
        const error = await updateToken(
          asApi(api),
          ID,
          { ...olds, ...news, status: "enabled" },
          news,
          NOW,
        ).then(
          () => new Error("updateToken succeeded"),
          (e: Error) => e,
        );
        expect(error.message).to.include(`RegistryToken ${ID} no longer exists`);
        expect(error.message).to.include("expiryDate 2030-01-01T00:30:00Z");
        expect(error.message).to.match(advice);
        expect(api.put.called).to.equal(false);
        expect(api.delete.called).to.equal(false);
      });
    }

    it("after a lost PATCH answer, succeeds when a GET shows the change landed", async () => {
      const api = fakeApi();
      api.patch.rejects(apiError(500, "PATCH", true));
      api.get.resolves(wire({ status: "disabled" }));
      const outs = await updateToken(asApi(api), ID, olds, { ...inputs, status: "disabled" });
      expect(outs.status).to.equal("disabled");
      expect(outs.password).to.equal("pw-old");
    });

    it("after a lost PATCH answer, fails when a GET shows the change did not land", async () => {
      const api = fakeApi();
      api.patch.rejects(apiError(500, "PATCH", true));
      api.get.resolves(wire());
      const error = await updateToken(asApi(api), ID, olds, { ...inputs, status: "disabled" }).catch(
        (e) => e,
      );
      expect(isIonosApiError(error)).to.equal(true);
      expect(error.status).to.equal(500);
    });

    it("asks the client not to retry a PUT that may create (a repeat would lose the password)", async () => {
      const api = fakeApi();
      api.patch.rejects(apiError(404, "PATCH"));
      api.put.resolves(wire({ credentials: { username: "ci", password: "pw-new" } }));
      await updateToken(asApi(api), ID, olds, { ...inputs, status: "disabled" });
      expect(api.put.firstCall.args[3]).to.deep.equal({ mayCreate: true });
    });

    it("after a lost PUT answer, deletes what it may have created and PUTs again", async () => {
      const api = fakeApi();
      api.patch.rejects(apiError(404, "PATCH"));
      api.put.onCall(0).rejects(apiError(0, "PUT", true));
      api.put.onCall(1).resolves(wire({ credentials: { username: "ci", password: "pw-2" } }));
      const outs = await updateToken(asApi(api), ID, olds, { ...inputs, status: "disabled" });
      expect(api.delete.calledOnceWithExactly(REGISTRY, TOKEN)).to.equal(true);
      expect(outs.password).to.equal("pw-2");
    });

    it("never keeps the old password for a token a PUT replaced instead of creating", async () => {
      const api = fakeApi();
      api.patch.rejects(apiError(404, "PATCH"));
      api.put.onCall(0).resolves(wire()); // 201 with password "": it replaced a token that was there again
      api.put.onCall(1).resolves(wire({ credentials: { username: "ci", password: "pw-fresh" } }));
      const outs = await updateToken(asApi(api), ID, olds, { ...inputs, status: "disabled" });
      expect(outs.password).to.equal("pw-fresh");
      expect(api.delete.callCount).to.equal(1);
    });

    it("fails, leaving nothing behind, when no PUT yields a password", async () => {
      const api = fakeApi();
      api.patch.rejects(apiError(404, "PATCH"));
      api.put.resolves(wire());
      const error = await updateToken(asApi(api), ID, olds, { ...inputs, status: "disabled" }).catch(
        (e) => e,
      );
      expect(error.message).to.match(
        /could not be recreated\s+with a password after 3 attempts; whatever they may have created was deleted, nothing is left\s+behind/,
      );
      expect(api.delete.callCount).to.equal(3);
    });

    it("after three lost PUT answers, deletes what the last one may have created, and names the lost call", async () => {
      const api = fakeApi();
      api.patch.rejects(apiError(404, "PATCH"));
      api.put.rejects(apiError(503, "PUT", true));
      const error = await updateToken(asApi(api), ID, olds, { ...inputs, status: "disabled" }).catch(
        (e) => e,
      );
      expect(api.put.callCount).to.equal(3);
      expect(api.delete.callCount, "one DELETE after every lost PUT, the last included").to.equal(3);
      expect(api.delete.lastCall.args).to.deep.equal([REGISTRY, TOKEN]);
      expect(error.message).to.include(apiError(503, "PUT", true).message);
      expect(error.message).to.match(/nothing is left\s+behind/);
    });

    it("refuses to move or rename in place", async () => {
      const error = await updateToken(asApi(fakeApi()), ID, olds, { ...inputs, name: "other" }).catch(
        (e) => e,
      );
      expect(error.message).to.match(/must be replaced/);
    });
  });

  describe("deleteToken", () => {
    it("DELETEs and treats 404 as success", async () => {
      const api = fakeApi();
      await deleteToken(asApi(api), ID);
      expect(api.delete.calledOnceWithExactly(REGISTRY, TOKEN)).to.equal(true);
      api.delete.rejects(apiError(404, "DELETE"));
      await deleteToken(asApi(api), ID);
    });
    it("fails on a 404 that is not the API's answer: nothing is reported deleted that may still exist", async () => {
      const api = fakeApi();
      api.delete.rejects(apiError(404, "DELETE", false, false));
      expect((await deleteToken(asApi(api), ID).catch((e) => e)).status).to.equal(404);
    });
    it("propagates other failures", async () => {
      const api = fakeApi();
      api.delete.rejects(apiError(503, "DELETE"));
      expect((await deleteToken(asApi(api), ID).catch((e) => e)).status).to.equal(503);
    });
  });
});
