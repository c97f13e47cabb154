/**
 * The oracle itself, on hand-made evidence: a fault suite is only as honest as its judge, so every way a
 * provider could be wrong that the judge must catch is shown to be caught (and the few outcomes the README
 * accepts to be accepted).
 */
import { expect } from "chai";
import type { TokenView } from "../../emulator";
import type { HostResource, Props } from "../support/hostSession";
import { judge, type CaseEvidence } from "./consistency";

const REGISTRY = "0b8c7a1e-0000-4000-8000-000000000000";
const ID_A = "0b8c7a1e-0000-4000-8000-00000000000a";
const ID_B = "0b8c7a1e-0000-4000-8000-00000000000b";
const T1 = "2030-01-01T00:00:01Z";
const T2 = "2030-01-01T00:00:02Z";
const LOST = new Error(
  `IONOS API registriesTokensPost (POST /registries/${REGISTRY}/tokens) failed with HTTP 503`,
);
const LOST_PUT = new Error(
  `IONOS API registriesTokensPut (PUT /registries/${REGISTRY}/tokens/${ID_A}) failed with HTTP 503`,
);

function live(id: string, name: string, createdDate: string): TokenView {
  return {
    id,
    type: "token",
    href: "",
    metadata: { createdBy: "x", createdByUserId: "y", createdDate, state: "enabled" },
    properties: {
      name,
      status: "enabled",
      expiryDate: null,
      scopes: [],
      credentials: { username: name, password: "" },
    },
  };
}

function outs(id: string, name: string, createdDate: string, password: string): Props {
  return {
    tokenId: id,
    name,
    username: name,
    status: "enabled",
    expiryDate: null,
    scopes: [],
    createdDate,
    password,
  };
}

function resource(props: Props): HostResource {
  return { id: `${REGISTRY}/${String(props.tokenId)}`, inputs: {}, outs: props };
}

/** A ledger that knows exactly the given incarnations' passwords. */
function ledger(...known: Array<[string, string, string]>): CaseEvidence["issued"] {
  return (id, createdDate) => known.find(([i, c]) => i === id && c === createdDate)?.[2];
}

describe("fault oracle (consistency.ts) on hand-made evidence", () => {
  describe("tokens left behind by a failed create", () => {
    it("accepts a chosen name's token that the error names, and reports it", () => {
      const error = new Error(
        `${LOST.message}. A token named "t" now exists in registry ${REGISTRY}: ${ID_A} …`,
      );
      const j = judge({
        operation: "create-chosen",
        settled: { ok: false, error },
        live: [live(ID_A, "t", T1)],
      });
      expect(j.verdict).to.equal("failed cleanly");
      expect(j.named).to.equal(ID_A);
    });

    it("calls a chosen name's token the error does not name an orphan", () => {
      const j = judge({
        operation: "create-chosen",
        settled: { ok: false, error: LOST },
        live: [live(ID_A, "t", T1)],
      });
      expect(j.verdict).to.equal("inconsistent");
      expect(j.problems.join()).to.include("orphaned token");
    });

    it("calls a generated name's token an orphan even when the error names it", () => {
      const error = new Error(`${LOST.message}. Left ${ID_A} alone.`);
      const j = judge({ operation: "create", settled: { ok: false, error }, live: [live(ID_A, "t-x1", T1)] });
      expect(j.verdict).to.equal("inconsistent");
      expect(j.named).to.equal(undefined);
    });

    it("accepts one named token only: a second one left behind is an orphan", () => {
      const error = new Error(`${LOST.message}. ${ID_A} and ${ID_B}`);
      const left = [live(ID_A, "t", T1), live(ID_B, "u", T2)];
      const j = judge({ operation: "create-chosen", settled: { ok: false, error }, live: left });
      expect(j.verdict).to.equal("inconsistent");
    });
  });

  describe("a create that succeeded", () => {
    const created = outs(ID_A, "t-x1", T1, "issued-pw-1");

    it("survives when its state holds the password the API issued for the live token", () => {
      const j = judge({
        operation: "create",
        settled: { ok: true, value: { id: "x", properties: created } },
        live: [live(ID_A, "t-x1", T1)],
        issued: ledger([ID_A, T1, "issued-pw-1"]),
      });
      expect(j.verdict, j.problems.join()).to.equal("survived");
    });

    it("is inconsistent when the state's password is not the live token's", () => {
      const j = judge({
        operation: "create",
        settled: { ok: true, value: { id: "x", properties: created } },
        live: [live(ID_A, "t-x1", T1)],
        issued: ledger([ID_A, T1, "another-pw"]),
      });
      expect(j.verdict).to.equal("inconsistent");
    });

    it("is inconsistent with a duplicate name beside it", () => {
      const j = judge({
        operation: "create",
        settled: { ok: true, value: { id: "x", properties: created } },
        live: [live(ID_A, "t-x1", T1), live(ID_B, "T-X1", T2)],
        foreign: [{ id: ID_B, createdDate: T2, password: "b-pw" }],
      });
      expect(j.problems.join()).to.include("duplicate names");
    });
  });

  describe("another actor's token", () => {
    const b = { id: ID_B, createdDate: T1, password: "b-password" };
    const failed = { ok: false as const, error: LOST };

    it("is fine untouched, with its owner's password", () => {
      const j = judge({
        operation: "create-chosen",
        settled: failed,
        live: [live(ID_B, "t", T1)],
        foreign: [b],
        issued: ledger([ID_B, T1, "b-password"]),
      });
      expect(j.verdict, j.problems.join()).to.equal("failed cleanly");
    });

    it("is a problem when deleted, or deleted and created again at its id", () => {
      for (const left of [[], [live(ID_B, "t", T2)]]) {
        const j = judge({ operation: "create-chosen", settled: failed, live: left, foreign: [b] });
        expect(j.verdict).to.equal("inconsistent");
      }
    });
  });

  describe("an update that recreates its vanished token at the same id", () => {
    const before = resource(outs(ID_A, "t", T1, "old-password"));
    const wanted = { status: "enabled", scopes: [] };

    it("fails cleanly when nothing is left at the id (the state is as stale as before)", () => {
      const j = judge({
        operation: "recreate",
        before,
        wanted,
        settled: { ok: false, error: LOST_PUT },
        live: [],
      });
      expect(j.verdict, j.problems.join()).to.equal("failed cleanly");
    });

    it("is inconsistent when it failed but a new token lives at the id: the state lacks its password", () => {
      const j = judge({
        operation: "recreate",
        before,
        wanted,
        settled: { ok: false, error: LOST_PUT },
        live: [live(ID_A, "t", T2)],
      });
      expect(j.verdict).to.equal("inconsistent");
      expect(j.problems.join()).to.include("whose password the state lacks");
    });

    it("survives with the new token's password, and not with the vanished one's", () => {
      const fresh = outs(ID_A, "t", T2, "new-password");
      const good = judge({
        operation: "recreate",
        before,
        wanted,
        settled: { ok: true, value: fresh },
        live: [live(ID_A, "t", T2)],
        issued: ledger([ID_A, T2, "new-password"]),
      });
      expect(good.verdict, good.problems.join()).to.equal("survived");
      const stale = judge({
        operation: "recreate",
        before,
        wanted,
        settled: { ok: true, value: { ...fresh, password: "old-password" } },
        live: [live(ID_A, "t", T2)],
      });
      expect(stale.verdict).to.equal("inconsistent");
    });
  });
});
