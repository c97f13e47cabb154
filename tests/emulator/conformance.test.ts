/**
 * Conformance with the official spec (`../shared/reference/containerregistry-openapi.yaml`, or
 * `IONOS_OPENAPI_SPEC`), checked with ajv:
 *
 * 1. a sweep that drives every operation the spec lists to every status it documents (plus the
 *    undocumented error statuses the emulator uses) and validates each body against the schema the spec
 *    names for that (method, path, status);
 * 2. at the end of the run, every response any emulator test received (recorded by the test client).
 *
 * Registries list: the emulator follows the current API (`pagination: {limit, token}`), not the v1.0
 * spec's obsolete `nextPageToken`; see `tests/support/emulatorSpec.ts` for how that one is checked.
 * Without the spec file the suite reports that it was skipped and why.
 */
import { expect } from "chai";
import { tokensPath, type ApiResponse } from "../support/emulatorClient";
import { useEmulator } from "../support/emulatorFixture";
import { recordedResponses, type RecordedResponse } from "../support/emulatorRecorder";
import { loadSpecValidator, type SpecValidator } from "../support/emulatorSpec";

const loaded = loadSpecValidator();
const validator: SpecValidator | undefined = "validator" in loaded ? loaded.validator : undefined;
const FREE = "0f3c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
const FREE2 = "1f3c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";

/** Operations of the spec that the emulator deliberately does not serve, and the status they get. */
const NOT_EMULATED: Record<string, number> = {
  registriesPatch: 405,
  registriesPut: 405,
  registriesRepositoriesDelete: 404,
};

function skipUnlessSpec(ctx: Mocha.Context): void {
  if (validator === undefined) {
    console.log(`    [conformance skipped] ${"skipped" in loaded ? loaded.skipped : ""}`);
    ctx.skip();
  }
}

function problemsOf(responses: RecordedResponse[]): string[] {
  return responses.flatMap((r) =>
    (validator as SpecValidator).check(r).map((p) => `${r.method} ${r.path} ${r.status} (${r.test}): ${p}`),
  );
}

describe("emulator: conformance with the official OpenAPI spec", function () {
  const f = useEmulator();
  before(function () {
    skipUnlessSpec(this);
    for (const note of validator?.notes ?? []) console.log(`    [conformance note] ${note}`);
  });

  /** Requests that make each operation answer each status, keyed by operationId then status. */
  function scenarios(): Record<string, Record<string, () => Promise<ApiResponse>>> {
    let n = 0;
    const token = async (name = `conf-${++n}`) =>
      (
        await f.api.createToken(f.registryId, {
          name,
          scopes: [{ name: "*", type: "repository", actions: ["pull"] }],
        })
      ).json;
    const t = (id: string) => tokensPath(f.registryId, id);
    return {
      registriesGet: { "200": () => f.api.get("/registries"), "400": () => f.api.get("/registries?limit=x") },
      registriesPost: {
        "201": () =>
          f.api.post("/registries", {
            properties: {
              name: "conf-reg",
              location: "de/fra",
              garbageCollectionSchedule: { days: ["Monday"], time: "01:00:00Z" },
            },
          }),
        "400": () => f.api.post("/registries", { properties: { name: "X" } }),
      },
      registriesFindById: {
        "200": () => f.api.get(`/registries/${f.registryId}`),
        "400": () => f.api.get("/registries/nope"),
        "404": () => f.api.get(`/registries/${FREE}`),
      },
      registriesDelete: {
        "204": () => f.api.delete(`/registries/${f.otherRegistryId}`),
        "400": () => f.api.delete("/registries/nope"),
      },
      registriesTokensGet: {
        "200": async () => (await token(), f.api.get(tokensPath(f.registryId))),
        "400": () => f.api.get(`${tokensPath(f.registryId)}?offset=-1`),
      },
      registriesTokensPost: {
        "201": () =>
          f.api.createToken(f.registryId, { name: "posted", expiryDate: f.clock.isoIn(3_600_000) }),
        "400": () => f.api.createToken(f.registryId, { name: "-" }),
        "409": async () => (await token("dup-post"), f.api.createToken(f.registryId, { name: "dup-post" })),
      },
      registriesTokensFindById: {
        "200": async () => f.api.get(t((await token()).id)),
        "400": () => f.api.get(t("nope")),
        "404": () => f.api.get(t(FREE)),
      },
      registriesTokensPatch: {
        "200": async () =>
          f.api.patch(t((await token()).id), {
            status: "disabled",
            expiryDate: f.clock.isoIn(2 * 3_600_000),
          }),
        "400": async () => f.api.patch(t((await token()).id), { status: "off" }),
      },
      registriesTokensPut: {
        "201": async () => {
          await f.api.put(t(FREE), { properties: { name: "put-conf" } }); // create
          return f.api.put(t(FREE), { properties: { name: "put-conf", status: "disabled" } }); // replace
        },
        "400": () => f.api.put(t(FREE), { properties: {} }),
        "409": async () => (await token("dup-put"), f.api.put(t(FREE2), { properties: { name: "dup-put" } })),
      },
      registriesTokensDelete: {
        "204": async () => f.api.delete(t((await token()).id)),
        "400": () => f.api.delete(t("nope")),
      },
      locationsGet: { "200": () => f.api.get("/locations") },
      namesCheckUsage: {
        "200": () => f.api.request("HEAD", "/names/registry-one"),
        "400": () => f.api.request("HEAD", "/names/X"),
        "404": () => f.api.request("HEAD", "/names/free-name"),
      },
    };
  }

  it("drives every documented (operation, status) of the spec and validates each body", async () => {
    const v = validator as SpecValidator;
    const table = scenarios();
    const missing: string[] = [];
    const problems: string[] = [];
    let checked = 0;
    for (const [template, methods] of Object.entries(v.spec.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const id = op.operationId ?? `${method} ${template}`;
        if (id in NOT_EMULATED) continue;
        for (const status of Object.keys(op.responses ?? {})) {
          const run = table[id]?.[status];
          if (run === undefined) {
            missing.push(`${id} ${status}`);
            continue;
          }
          const before = recordedResponses().length;
          const res = await run();
          expect(res.status, `${id} scenario for ${status}: ${res.text}`).to.equal(Number(status));
          const mine = recordedResponses().slice(before);
          expect(v.target(mine.at(-1)?.method ?? "", mine.at(-1)?.path ?? "").operationId).to.equal(id);
          problems.push(...problemsOf(mine));
          checked += mine.length;
        }
      }
    }
    expect(missing, "spec statuses without a scenario").to.deep.equal([]);
    expect(problems).to.deep.equal([]);
    expect(checked).to.be.greaterThan(25);
  });

  it("validates the error statuses the spec does not list (401, 404, 405, 413, 415, 429, 5xx)", async () => {
    const created = (await f.api.createToken(f.registryId, { name: "errs" })).json;
    const responses: ApiResponse[] = [
      await f.api.get("/registries", { auth: null }),
      await f.api.patch(tokensPath(f.registryId, FREE), { status: "enabled" }),
      await f.api.delete(tokensPath(f.registryId, FREE)),
      await f.api.delete(`/registries/${FREE}`),
      await f.api.get(tokensPath(FREE)),
      await f.api.request("POST", tokensPath(f.registryId, created.id)),
      await f.api.get("/no/such/route"),
      await f.api.request("POST", tokensPath(f.registryId), { raw: "x".repeat(1024 * 1024 + 1) }),
      await f.api.request("POST", tokensPath(f.registryId), { raw: "{}", contentType: "text/plain" }),
    ];
    f.emu.setFaults({
      rules: [
        { action: { type: "status", status: 429 }, times: 1 },
        { action: { type: "status", status: 503 }, times: 1 },
        { action: { type: "commitThenStatus" }, times: 1 },
      ],
    });
    responses.push(
      await f.api.get("/registries"),
      await f.api.get("/registries"),
      await f.api.createToken(f.registryId, { name: "committed" }),
    );
    expect(responses.map((r) => r.status)).to.deep.equal([
      401, 404, 404, 404, 404, 405, 404, 413, 415, 429, 503, 500,
    ]);
    expect(problemsOf(recordedResponses().slice(-responses.length))).to.deep.equal([]);
  });

  it("gives the operations it does not emulate a clean ApiErrorResponse", async () => {
    const put = await f.api.put(`/registries/${f.registryId}`, {
      properties: { name: "x", location: "de/fra" },
    });
    const patch = await f.api.patch(`/registries/${f.registryId}`, {});
    const repo = await f.api.delete(`/registries/${f.registryId}/repositories/app`);
    expect([put.status, patch.status, repo.status]).to.deep.equal([
      NOT_EMULATED.registriesPut,
      NOT_EMULATED.registriesPatch,
      NOT_EMULATED.registriesRepositoriesDelete,
    ]);
    expect(problemsOf(recordedResponses().slice(-3))).to.deep.equal([]);
  });

  it("detects a non-conforming body (the check is not vacuous)", function () {
    const v = validator as SpecValidator;
    const base = {
      method: "GET",
      path: `/containerregistries/registries/${FREE}/tokens/${FREE}`,
      status: 200,
      test: "self-check",
    };
    const good = {
      id: FREE,
      metadata: {
        createdBy: "a",
        createdByUserId: "b",
        createdDate: "2030-01-01T00:00:00Z",
        state: "enabled",
      },
      properties: { name: "ok", credentials: { username: "ok", password: "" } },
    };
    expect(
      v.check({ ...base, headers: { contentType: "application/json" }, text: JSON.stringify(good) }),
    ).to.deep.equal([]);
    const bad = { ...good, properties: { name: "ok" } };
    expect(
      v.check({ ...base, headers: { contentType: "application/json" }, text: JSON.stringify(bad) }),
    ).to.not.deep.equal([]);
    const badError = {
      method: "GET",
      path: "/containerregistries/registries",
      status: 400,
      test: "self-check",
      headers: { contentType: "application/json" },
      text: '{"httpStatus":400,"messages":[{"errorCode":1,"message":"x"}]}',
    };
    expect(v.check(badError)).to.not.deep.equal([]);
    if (v.notes.length === 0) {
      const list = {
        method: "GET",
        path: "/containerregistries/registries",
        status: 200,
        test: "self-check",
      };
      const current = {
        _links: { self: "", next: "", previous: "" },
        items: [],
        pagination: { limit: 1, token: "" },
      };
      const json = { contentType: "application/json" };
      expect(v.check({ ...list, headers: json, text: JSON.stringify(current) })).to.deep.equal([]);
      const { pagination: _p, ...obsolete } = { ...current, nextPageToken: "", limit: 1 };
      expect(v.check({ ...list, headers: json, text: JSON.stringify(obsolete) })).to.not.deep.equal([]);
    }
    expect(
      v.check({
        ...base,
        method: "POST",
        path: "/containerregistries/registries",
        status: 201,
        headers: { contentType: "application/json" },
        text: "{}",
      }),
    ).to.include("the documented Location header is missing");
  });
});

// A root-level hook: runs once after every test file, over every response the emulator tests recorded.
after(function () {
  if (validator === undefined) {
    console.log(`[conformance skipped] ${"skipped" in loaded ? loaded.skipped : ""}`);
    return;
  }
  const all = recordedResponses().filter((r) => !r.test.includes("self-check"));
  const problems = problemsOf(all);
  const pairs = new Set(
    all.map((r) => `${validator.target(r.method, r.path).operationId ?? "unknown"} ${r.status}`),
  );
  console.log(
    `  conformance: ${all.length} recorded emulator responses checked (${pairs.size} operation/status pairs)`,
  );
  if (problems.length > 0) {
    throw new Error(`responses not conforming to the spec:\n${problems.slice(0, 30).join("\n")}`);
  }
});
