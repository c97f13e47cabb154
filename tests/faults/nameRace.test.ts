/**
 * Two stacks, one token name. Stack B (the bench's steady host) owns a token; stack A (the host under test)
 * creates a token of the same name and loses its POST's answer. Names are unique per registry, so A finds
 * B's token when it looks for what its lost POST may have made — and a chosen name cannot tell the two apart.
 * The provider must fail naming the token and leave it alone: deleting it would break B, whose password is
 * then gone for good. Only a generated name proves a token is A's own, and only then is it recovered.
 *
 * B's token exists before A's POST, so A's POST is never carried out (409) and the faults that lose its
 * answer are those acting before the API does, or the slow answer that hides the 409. From A's side this is
 * the race of two `pulumi up`s at the same moment: a lost answer, then a recent look-alike under the name.
 */
import { expect } from "chai";
import { randomBytes } from "crypto";
import type { RequestLogEntry, TokenView } from "../../emulator";
import type { RegistryTokenArgs, RegistryTokenScope } from "../../provider";
import type { HostResource, Props } from "../support/hostSession";
import { describeLeaks, LeakScanner } from "../support/leakScanner";
import { MODES, type Mode } from "../support/modes";
import { judge, type ForeignToken, type Judgement, type Settled } from "./consistency";
import { inBatches, startFaultBench, warmUp, type FaultBench } from "./faultBench";
import { faultKind, registryPath, rulesFor, SLOW_MS, slowRulesFor, type FaultKind } from "./faultKinds";

const API_TOKEN = `race-api-${randomBytes(12).toString("hex")}`;
const NAME = "race-token";
const PULL: RegistryTokenScope[] = [{ name: "*", type: "repository", actions: ["pull"] }];
const PUSH: RegistryTokenScope[] = [{ name: "ci/*", type: "repository", actions: ["pull", "push"] }];

/**
 * What stack A's create must end with:
 * - `names other`: fail, naming B's token (found after the lost answer), which stays B's;
 * - `conflict`: fail with a plain name conflict (the API answered 409; nothing was lost);
 * - `names own`: fail, naming the token its own lost POST made, left alone (no other stack involved);
 * - `recovers`: succeed with a password, its lost POST's orphan deleted, B's token untouched.
 */
type Outcome = "names other" | "conflict" | "names own" | "recovers";

interface RaceCase {
  label: string;
  /** A's naming: the chosen name, or a generated one. */
  naming: Pick<RegistryTokenArgs, "name" | "namePrefix">;
  /** The fault on A's POST; none for a definite 409. */
  kind?: FaultKind;
  /** Scopes of B's token (undefined: no stack B in this registry). */
  otherScopes?: RegistryTokenScope[];
  outcome: Outcome;
  registryId: string;
  other?: HostResource;
  settled?: Settled;
  live?: TokenView[];
  judgement?: Judgement;
}

function lostAnswer(label: string, scopes = PULL): RaceCase {
  return {
    label: `B owns it (${scopes === PULL ? "same" : "other"} scopes), A's POST: ${label}`,
    naming: { name: NAME },
    kind: faultKind(label),
    otherScopes: scopes,
    outcome: "names other",
    registryId: "",
  };
}

/** The cases, before a mode's run fills them in. */
const RACE_CASES: readonly RaceCase[] = [
  ...[
    "latency beyond timeout once",
    "500 once",
    "502 once",
    "503 once",
    "504 once",
    "reset before acting once",
    "503 always",
    "reset before acting always",
  ].map((label) => lostAnswer(label)),
  lostAnswer("503 once", PUSH),
  {
    label: "B owns it, A's POST answered 409",
    naming: { name: NAME },
    otherScopes: PULL,
    outcome: "conflict",
    registryId: "",
  },
  ...["commit then 503 once", "commit then reset once", "latency beyond timeout once"].map(
    (label): RaceCase => ({
      label: `no B, A's POST: ${label}`,
      naming: { name: NAME },
      kind: faultKind(label),
      outcome: "names own",
      registryId: "",
    }),
  ),
  ...["commit then 503 once", "commit then reset once"].map((label): RaceCase => ({
    label: `B owns another name, A generates one, A's POST: ${label}`,
    naming: { namePrefix: "race" },
    kind: faultKind(label),
    otherScopes: PULL,
    outcome: "recovers",
    registryId: "",
  })),
];

for (const mode of MODES) describeRace(mode);

/** The race in one mode; both stacks run the same mode (two programs using the same provider). */
function describeRace(mode: Mode): void {
  describe(`two stacks, one chosen name (${mode}): a create whose POST answer is lost never takes the other stack's token`, function () {
    this.timeout(120_000);
    let bench: FaultBench;
    // The cases are shared module state (registries, outcomes): each mode runs its own copies.
    const CASES = RACE_CASES.map((c) => ({ ...c }));

    /** B's token as B knows it, for the oracle. */
    function foreign(c: RaceCase): ForeignToken[] {
      if (!c.other) return [];
      const { tokenId, createdDate, password } = c.other.outs;
      return [{ id: String(tokenId), createdDate: String(createdDate), password: String(password) }];
    }

    /** Stack A's `pulumi up` of its new token, through the provider under test. */
    async function createA(c: RaceCase): Promise<Settled> {
      const { driver } = bench;
      const args = { registryId: c.registryId, ...c.naming, scopes: PULL };
      try {
        const { inputs } = await driver.check({}, await driver.program(args));
        return { ok: true, value: await driver.create(inputs) };
      } catch (error) {
        return { ok: false, error: error as Error };
      }
    }

    before(async function () {
      bench = await startFaultBench(API_TOKEN, mode);
      const { emulator } = bench;
      CASES.forEach((c, i) => (c.registryId = emulator.admin.createRegistry(`race-${i}`).id));
      await inBatches(
        CASES.filter((c) => c.otherScopes),
        8,
        async (c) => {
          // Stack B's own token: under A's name, or under a generated name of its own when A generates one.
          const naming = c.naming.name === undefined ? { namePrefix: "other" } : { name: NAME };
          c.other = await bench.upSteady({ registryId: c.registryId, ...naming, scopes: c.otherScopes });
        },
      );
      await warmUp(bench);
      emulator.clearRequests();
      const withFault = CASES.filter((c) => c.kind);
      emulator.setFaults({ rules: withFault.flatMap((c) => rulesFor(c.kind!, "create", c.registryId)) });
      bench.proxy.setRules(withFault.flatMap((c) => slowRulesFor(c.kind!, "create", c.registryId)));
      await Promise.all(CASES.map(async (c) => (c.settled = await createA(c))));
      emulator.setFaults({});
      await new Promise((resolve) => setTimeout(resolve, SLOW_MS + 100));
      for (const c of CASES) {
        c.live = emulator.admin.listTokens(c.registryId);
        c.judgement = judge({
          operation: c.naming.name === undefined ? "create" : "create-chosen",
          settled: c.settled!,
          live: c.live,
          foreign: foreign(c),
          issued: bench.witness.issued,
        });
      }
      printSummary();
    });

    after(async () => {
      await bench?.close();
    });

    it("injects every fault into A's POST", () => {
      const missed = CASES.filter((c) => c.kind && injected(c) === 0).map((c) => c.label);
      expect(missed, "cases whose fault never fired").to.deep.equal([]);
    });

    it("leaves no case inconsistent: B's token is the very token B created, with B's password; A leaves no orphan", () => {
      const bad = CASES.filter((c) => c.judgement?.verdict === "inconsistent").map(
        (c) => `${c.label}: ${c.judgement?.problems.join("; ")}`,
      );
      expect(bad, bad.join("\n")).to.deep.equal([]);
    });

    it("fails A's create naming B's token, after a lost answer, whether or not its properties match", () => {
      for (const c of CASES.filter((x) => x.outcome === "names other")) {
        expect(c.settled?.ok, c.label).to.equal(false);
        expect(errorOf(c), c.label).to.include(String(c.other?.outs.tokenId));
        expect(
          c.live?.map((t) => t.id),
          c.label,
        ).to.deep.equal([c.other?.outs.tokenId]);
      }
    });

    it("fails A's create with a name conflict when the API answered 409, touching nothing", () => {
      for (const c of CASES.filter((x) => x.outcome === "conflict")) {
        expect(errorOf(c), c.label).to.match(/^A token named "race-token".* already exists in registry/);
        expect(
          c.live?.map((t) => t.id),
          c.label,
        ).to.deep.equal([c.other?.outs.tokenId]);
      }
    });

    it("leaves the token A's own lost POST made under a chosen name alone, naming it", () => {
      for (const c of CASES.filter((x) => x.outcome === "names own")) {
        expect(c.settled?.ok, c.label).to.equal(false);
        expect(c.live, c.label).to.have.length(1);
        expect(c.judgement?.named, c.label).to.equal(c.live?.[0]?.id);
        expect(
          writesTo(c, String(c.judgement?.named)),
          `${c.label}: writes to the named token`,
        ).to.deep.equal([]);
      }
    });

    it("recovers a generated name: the orphan deleted, the POST repeated, one token of A's, B's untouched", () => {
      for (const c of CASES.filter((x) => x.outcome === "recovers")) {
        expect(c.judgement?.verdict, c.label).to.equal("survived");
        const created = (c.settled as { value: { properties: Props } }).value.properties;
        const ids = c.live?.map((t) => t.id).sort();
        expect(ids, c.label).to.deep.equal([String(created.tokenId), String(c.other?.outs.tokenId)].sort());
        const steps = requestsIn(c).map((r) => `${r.method} ${r.status}${r.fault ? ` (${r.fault})` : ""}`);
        expect(steps, c.label).to.include.members(["GET 200", "DELETE 204", "POST 201"]);
        const orphan = requestsIn(c).find((r) => r.method === "DELETE")?.path;
        expect(orphan, c.label).to.not.include(String(created.tokenId));
      }
    });

    it("never writes to B's token: no DELETE, PUT or PATCH reached it", () => {
      const touched = CASES.filter(
        (c) => c.other && writesTo(c, String(c.other.outs.tokenId)).length > 0,
      ).map((c) => `${c.label}: ${writesTo(c, String(c.other?.outs.tokenId)).join(", ")}`);
      expect(touched, touched.join("\n")).to.deep.equal([]);
    });

    it(`keeps the API token and every password out of ${mode === "plugin" ? "gRPC errors and the plugin's stderr" : "errors and host output"}`, () => {
      const scanner = new LeakScanner().addSecret("API token", API_TOKEN);
      bench.witness
        .passwords()
        .forEach((password, i) => scanner.addSecret(`issued password #${i}`, password));
      for (const c of CASES) if (!c.settled?.ok) scanner.addArtifact(`error (${c.label})`, errorOf(c));
      for (const t of bench.transcripts()) scanner.addArtifact(t.source, t.text);
      const leaks = scanner.scan();
      expect(leaks, describeLeaks(leaks)).to.deep.equal([]);
      expect(scanner.size.secrets).to.be.greaterThan(CASES.length / 2);
    });

    // As in the matrix: only the plugin marks the password secret itself, so only there is it checked here.
    if (mode === "plugin") {
      it("returns the password wrapped as a secret in every output, A's and B's", () => {
        const { checked, plain } = bench.driver.secretOutputs();
        const steady = bench.steady.secretOutputs();
        expect([...plain, ...steady.plain], "outputs whose password was not a secret").to.deep.equal([]);
        expect(checked, "A's creates checked (and the warm-up's)").to.be.at.least(
          CASES.filter((c) => c.settled?.ok).length,
        );
        expect(steady.checked, "B's creates checked").to.equal(CASES.filter((c) => c.otherScopes).length);
      });
    }

    /** How many faulty answers A's POSTs got: injected by the emulator, or held back by the slow proxy. */
    function injected(c: RaceCase): number {
      const faulty = requestsIn(c).filter((r) => r.method === "POST" && r.fault !== undefined);
      return faulty.length + bench.proxy.fired(registryPath(c.registryId));
    }

    /** The API requests of the case's registry while the faults were on (B's setup was cleared before). */
    function requestsIn(c: RaceCase): RequestLogEntry[] {
      const path = registryPath(c.registryId);
      return bench.emulator.requests().filter((r) => r.path.startsWith(path));
    }

    /** Every request other than a GET that reached one token, as `METHOD status`. */
    function writesTo(c: RaceCase, tokenId: string): string[] {
      return requestsIn(c)
        .filter((r) => r.path.endsWith(`/tokens/${tokenId}`) && r.method !== "GET")
        .map((r) => `${r.method} ${r.status}`);
    }

    function printSummary(): void {
      const width = Math.max(...CASES.map((c) => c.label.length)) + 2;
      const rows = CASES.map((c) => {
        const j = c.judgement;
        const verdict = j?.verdict === "inconsistent" ? "INCONSISTENT" : (j?.verdict ?? "?");
        return `      ${c.label.padEnd(width)}${c.outcome.padEnd(13)}${verdict}${j?.named ? ", named" : ""}`;
      });
      const count = (verdict: string) => CASES.filter((c) => c.judgement?.verdict === verdict).length;
      console.log(
        [
          `      ${"case".padEnd(width)}${"expected".padEnd(13)}verdict`,
          ...rows,
          `    name race (${mode}): ${CASES.length} cases / ${count("survived")} survived / ${count("failed cleanly")} failed cleanly / ` +
            `${count("inconsistent")} inconsistent`,
        ].join("\n"),
      );
    }
  });
}

function errorOf(c: RaceCase): string {
  return c.settled && !c.settled.ok ? c.settled.error.message : "";
}
