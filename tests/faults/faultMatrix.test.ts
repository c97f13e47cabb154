import { expect } from "chai";
import { randomBytes } from "crypto";
import type { TokenView } from "../../emulator";
import { startHostSession, type HostResource, type HostSession, type Props } from "../support/hostSession";
import { describeLeaks, LeakScanner } from "../support/leakScanner";
import { startSlowAnswerProxy, type SlowAnswerProxy } from "../support/slowAnswerProxy";
import { judge, type Judgement, type Settled } from "./consistency";
import {
  FAULT_KINDS,
  OPERATIONS,
  REQUEST_TIMEOUT_MS,
  RETRY_BUDGET_MS,
  registryPath,
  rulesFor,
  SLOW_MS,
  slowRulesFor,
  TARGET_OPERATION,
  type FaultKind,
  type Operation,
} from "./faultKinds";

const API_TOKEN = `fault-api-${randomBytes(12).toString("hex")}`;
const NAME = "matrix-token";
const PULL = [{ name: "*", type: "repository" as const, actions: ["pull" as const] }];
const WANTED = {
  status: "disabled" as const,
  scopes: [{ name: "app/*", type: "repository" as const, actions: ["pull" as const, "push" as const] }],
};

/**
 * Faults a single occurrence of which the provider promises to ride out (README, Reliability): retries of
 * idempotent requests on network errors, 429 and 502–504, and create recovery after any lost POST answer.
 * A plain 500 is deliberately not retried (only a create recovers from it), so it is not listed.
 */
function mustSurvive(operation: Operation, kind: FaultKind): boolean {
  if (kind.repeated) return false;
  if (operation === "create") return true;
  return !kind.label.startsWith("500") && !kind.label.startsWith("commit then 500");
}

interface MatrixCase {
  operation: Operation;
  kind: FaultKind;
  registryId: string;
  before?: HostResource;
  settled?: Settled;
  live?: TokenView[];
  judgement?: Judgement;
  injected?: number;
}

describe("fault matrix: every provider operation through the host under every API fault", function () {
  this.timeout(60_000);
  let session: HostSession;
  let proxy: SlowAnswerProxy;
  const cases: MatrixCase[] = OPERATIONS.flatMap((operation) =>
    FAULT_KINDS.map((kind) => ({ operation, kind, registryId: "" })),
  );

  /** Runs one case's operation as the engine would, through the host. */
  async function run(c: MatrixCase): Promise<unknown> {
    const { host } = session;
    const before = c.before as HostResource;
    switch (c.operation) {
      case "create": {
        const { inputs } = await host.check(
          {},
          await session.program({ registryId: c.registryId, namePrefix: "matrix", scopes: PULL }),
        );
        return host.create(inputs);
      }
      case "read":
        return host.read(before.id, before.outs, before.inputs);
      case "update": {
        const news = await session.program({ registryId: c.registryId, name: NAME, ...WANTED });
        const { inputs } = await host.check(before.inputs, news);
        return host.update(before.id, before.outs, inputs);
      }
      case "delete":
        return host.delete(before.id, before.outs);
    }
  }

  before(async function () {
    session = await startHostSession({
      emulator: { credentials: { token: API_TOKEN }, registries: [] },
      config: {
        "ionoscloud:token": API_TOKEN,
        "ionos-registry-token:requestTimeoutMs": String(REQUEST_TIMEOUT_MS),
        "ionos-registry-token:retryBudgetMs": String(RETRY_BUDGET_MS),
      },
      endpoint: async (emulator) => {
        proxy = await startSlowAnswerProxy(emulator.url);
        return proxy.url;
      },
    });
    const { emulator } = session;
    await Promise.all(
      cases.map(async (c, i) => {
        c.registryId = emulator.admin.createRegistry(`matrix-${i}`).id;
        if (c.operation !== "create")
          c.before = await session.up({ registryId: c.registryId, name: NAME, scopes: PULL });
      }),
    );
    emulator.clearRequests();
    emulator.setFaults({ rules: cases.flatMap((c) => rulesFor(c.kind, c.operation, c.registryId)) });
    proxy.setRules(cases.flatMap((c) => slowRulesFor(c.kind, c.operation, c.registryId)));
    await Promise.all(
      cases.map(async (c) => {
        c.settled = await run(c).then(
          (value): Settled => ({ ok: true, value }),
          (error: Error): Settled => ({ ok: false, error }),
        );
      }),
    );
    emulator.setFaults({});
    // Let every answer still held back by the proxy go out before judging.
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS + 100));
    const log = emulator.requests();
    for (const c of cases) {
      c.live = emulator.admin.listTokens(c.registryId);
      c.judgement = judge({
        operation: c.operation,
        before: c.before,
        wanted: WANTED,
        settled: c.settled!,
        live: c.live,
      });
      const path = registryPath(c.registryId);
      c.injected =
        proxy.fired(path) +
        log.filter(
          (r) =>
            r.path.startsWith(path) && r.operation === TARGET_OPERATION[c.operation] && r.fault !== undefined,
        ).length;
    }
    printSummary(cases);
  });

  after(async () => {
    await session?.close();
    await proxy?.close();
  });

  it(`runs ${OPERATIONS.length} operations × ${FAULT_KINDS.length} faults, each fault actually injected`, () => {
    expect(cases).to.have.length(OPERATIONS.length * FAULT_KINDS.length);
    const missed = cases.filter((c) => !c.injected).map(label);
    expect(missed, "cases whose fault never fired").to.deep.equal([]);
    const repeatedOnce = cases.filter((c) => !c.kind.repeated && (c.injected ?? 0) > 1).map(label);
    expect(repeatedOnce, "single faults that fired more than once").to.deep.equal([]);
  });

  it("leaves no case inconsistent: no orphan, no token in the state that does not exist, no duplicate, no create without its password", () => {
    const bad = cases
      .filter((c) => c.judgement?.verdict === "inconsistent")
      .map((c) => `${label(c)}: ${c.judgement?.problems.join("; ")}`);
    expect(bad, bad.join("\n")).to.deep.equal([]);
  });

  it("survives every single fault the provider promises to ride out", () => {
    const lost = cases
      .filter((c) => mustSurvive(c.operation, c.kind) && c.judgement?.verdict !== "survived")
      .map((c) => `${label(c)}: ${c.settled?.ok ? "" : c.settled?.error.message}`);
    expect(lost, lost.join("\n")).to.deep.equal([]);
  });

  it("keeps the API token and every password out of errors and host output", () => {
    const scanner = new LeakScanner().addSecret("API token", API_TOKEN);
    for (const c of cases) {
      for (const password of [c.before?.outs.password, created(c)?.password]) {
        if (typeof password === "string" && password !== "")
          scanner.addSecret(`password (${label(c)})`, password);
      }
      if (c.settled && !c.settled.ok) scanner.addArtifact(`error (${label(c)})`, c.settled.error.message);
    }
    scanner.addArtifact("host output", session.host.output());
    const leaks = scanner.scan();
    expect(leaks, describeLeaks(leaks)).to.deep.equal([]);
    expect(scanner.size.secrets).to.be.greaterThan((OPERATIONS.length * FAULT_KINDS.length) / 2);
  });
});

function created(c: MatrixCase): Props | undefined {
  if (c.operation !== "create" || !c.settled?.ok) return undefined;
  return (c.settled.value as { properties: Props }).properties;
}

function label(c: MatrixCase): string {
  return `${c.operation} × ${c.kind.label}`;
}

function printSummary(cases: readonly MatrixCase[]): void {
  const count = (verdict: string) => cases.filter((c) => c.judgement?.verdict === verdict).length;
  const injected = cases.reduce((n, c) => n + (c.injected ?? 0), 0);
  const drift = cases.filter((c) => c.judgement?.drift).length;
  const short = { survived: "ok", "failed cleanly": "fail", inconsistent: "INCONSISTENT" } as const;
  const rows = FAULT_KINDS.map((kind) => {
    const cells = OPERATIONS.map((op) => {
      const c = cases.find((x) => x.operation === op && x.kind === kind);
      return (c?.judgement ? short[c.judgement.verdict] : "?").padEnd(12);
    });
    return `      ${kind.label.padEnd(32)}${cells.join("")}`;
  });
  console.log(
    [
      `      ${"".padEnd(32)}${OPERATIONS.map((op) => op.padEnd(12)).join("")}`,
      ...rows,
      `    fault matrix: ${cases.length} faults injected (${injected} faulty answers) / ${count("survived")} survived / ` +
        `${count("failed cleanly")} failed cleanly / ${count("inconsistent")} inconsistent` +
        ` (${drift} failed updates applied anyway, re-applied by the next up)`,
    ].join("\n"),
  );
}
