import { expect } from "chai";
import { randomBytes } from "crypto";
import type { FaultOptions } from "../../emulator";
import type { RegistryTokenArgs } from "../../provider";
import { startProviderHost, type ProviderHost } from "../support/providerHost";
import { startHostSession, type HostResource, type HostSession, type Props } from "../support/hostSession";
import { describeLeaks, LeakScanner } from "../support/leakScanner";

const API_TOKEN = `hyg-token-${randomBytes(12).toString("hex")}`;
const API_USER = `hyg-user-${randomBytes(6).toString("hex")}@example.com`;
const API_PASSWORD = `hyg-pass-${randomBytes(12).toString("hex")}`;
const WRONG_TOKEN = `hyg-wrong-${randomBytes(12).toString("hex")}`;
const BASIC_HEADER = `Basic ${Buffer.from(`${API_USER}:${API_PASSWORD}`).toString("base64")}`;
const FAST = {
  "ionos-registry-token:requestTimeoutMs": "300",
  "ionos-registry-token:retryBudgetMs": "800",
};
const PULL = [{ name: "*", type: "repository" as const, actions: ["pull" as const] }];

/**
 * The whole lifecycle through the provider host — create, refresh, read by ID, update, recreate on update,
 * replace, bad input, failed calls, delete — once with a Bearer token from stack config and once with Basic
 * credentials from the environment; then every byte the provider produced is scanned for every password and
 * credential.
 */
describe("secret hygiene: no password or credential in anything the provider produces", function () {
  this.timeout(60_000);
  let session: HostSession;
  const scanner = new LeakScanner();
  const passwords = new Set<string>();
  const errors: string[] = [];

  /** Keeps everything an answer holds except the `password` output, which is where a password belongs. */
  function record(source: string, value: unknown): void {
    const props = value as Props;
    for (const key of ["properties", "outs"] as const) {
      const outs = props?.[key] as Props | undefined;
      if (outs && typeof outs.password === "string" && outs.password !== "") passwords.add(outs.password);
    }
    if (typeof props?.password === "string" && props.password !== "") passwords.add(props.password);
    scanner.addArtifact(
      source,
      JSON.stringify(value, (key, v: unknown) => (key === "password" ? "" : v)),
    );
  }

  async function failing(
    source: string,
    call: () => Promise<unknown>,
    faults: FaultOptions = {},
  ): Promise<void> {
    session.emulator.setFaults(faults);
    const error = await call().then(
      () => undefined,
      (e: Error) => e,
    );
    session.emulator.setFaults({});
    expect(error, `${source} should have failed`).to.be.instanceOf(Error);
    errors.push(error!.message);
    scanner.addArtifact(`error: ${source}`, error);
  }

  /** One lifecycle through `host`; `tag` keeps token names apart. */
  async function lifecycle(host: ProviderHost, tag: string): Promise<void> {
    const registryId = session.emulator.registries[0].id;
    const program = (args: Props) =>
      session.program({ registryId, scopes: PULL, ...args } as RegistryTokenArgs);
    /** Creates a token named `name`, or with a name generated from it as prefix (`generated`). */
    const up = async (name: string, generated = false): Promise<HostResource> => {
      const { inputs } = await host.check({}, await program(generated ? { namePrefix: name } : { name }));
      const { id, properties } = await host.create(inputs);
      record(`create ${name}`, { id, properties });
      return { id, inputs, outs: properties };
    };
    const change = async (resource: HostResource, args: Props): Promise<HostResource> => {
      const checked = await host.check(resource.inputs, await program({ name: resource.outs.name, ...args }));
      record(`check ${tag}`, checked);
      const outs = await host.update(resource.id, resource.outs, checked.inputs);
      record(`update ${resource.outs.name}`, outs);
      return { ...resource, inputs: checked.inputs, outs };
    };

    record(
      `bad input ${tag}`,
      await host.check({}, await program({ name: "-x", status: "on", scopes: [{}] })),
    );
    let a = await up(`${tag}-a`);
    record(`refresh ${tag}-a`, await host.read(a.id, a.outs, a.inputs));
    record(`read by id ${tag}-a`, await host.read(a.id, {}, { __provider: session.provider }));
    a = await change(a, { status: "disabled" });
    session.emulator.admin.deleteToken(registryId, String(a.outs.tokenId));
    a = await change(a, { status: "enabled" }); // PATCH 404 → PUT: a new password
    const b = await up(`${tag}-b`); // replacement with a new name: create first, then delete the old one
    await host.delete(a.id, a.outs);
    await failing(`create ${tag}-b again (name taken)`, () => up(`${tag}-b`));
    session.emulator.setFaults({
      rules: [{ match: { methods: ["POST"] }, action: { type: "commitThenStatus" }, times: 1 }],
    });
    const c = await up(`${tag}-c`, true); // the lost answer is recovered: orphan deleted, created again
    session.emulator.setFaults({});
    await failing(`update ${tag}-b`, () => change(b, { status: "disabled" }), {
      rules: [{ match: { methods: ["PATCH"] }, action: { type: "status", status: 500 } }],
    });
    await failing(`refresh ${tag}-b`, () => host.read(b.id, b.outs, b.inputs), {
      rules: [{ match: { methods: ["GET"] }, action: { type: "status", status: 503 } }],
    });
    await failing(`delete ${tag}-c`, () => host.delete(c.id, c.outs), {
      rules: [{ match: { methods: ["DELETE"] }, action: { type: "reset" } }],
    });
    await host.delete(b.id, b.outs);
    await host.delete(c.id, c.outs);
  }

  before(async () => {
    session = await startHostSession({
      emulator: {
        credentials: { token: API_TOKEN, username: API_USER, password: API_PASSWORD },
        registries: [{ name: "hygiene" }],
      },
      config: { "ionoscloud:token": API_TOKEN, ...FAST },
    });
    scanner.addArtifact("serialized provider", session.provider);
    await lifecycle(session.host, "bearer");
    scanner.addArtifact("host output (Bearer)", session.host.output());

    const basic = await startProviderHost({
      env: { IONOS_USERNAME: API_USER, IONOS_PASSWORD: API_PASSWORD, IONOS_API_URL: session.emulator.url },
    });
    try {
      await basic.configure(FAST);
      await lifecycle(basic, "basic");
    } finally {
      await basic.close();
      scanner.addArtifact("host output (Basic)", basic.output());
    }

    const wrong = await startProviderHost();
    try {
      await wrong.configure({ "ionoscloud:token": WRONG_TOKEN, "ionoscloud:endpoint": session.emulator.url });
      const registryId = session.emulator.registries[0].id;
      const checked = await wrong.check({}, await session.program({ registryId, name: "wrong-creds" }));
      await failing("create with wrong credentials", () => wrong.create(checked.inputs));
    } finally {
      await wrong.close();
      scanner.addArtifact("host output (wrong credentials)", wrong.output());
    }
    for (const [label, secret] of Object.entries({
      "API token": API_TOKEN,
      "API username": API_USER,
      "API password": API_PASSWORD,
      "wrong API token": WRONG_TOKEN,
      "Basic header": BASIC_HEADER,
      "Basic header value": BASIC_HEADER.slice("Basic ".length),
    })) {
      scanner.addSecret(label, secret);
    }
    [...passwords].forEach((p, i) => scanner.addSecret(`token password #${i + 1}`, p));
  });

  after(async () => {
    await session?.close();
  });

  it("exercised every path: passwords from creates and a recreate, errors, both kinds of credentials", () => {
    // a, the recreated a, b and c per lifecycle: all distinct.
    expect(passwords.size).to.equal(8);
    expect(errors).to.have.length(9);
    expect(errors.join("\n"))
      .to.match(/HTTP 401/)
      .and.match(/already exists/)
      .and.match(/HTTP 503/);
    const writes = session.emulator.requests().filter((r) => r.method === "PUT" && r.status === 201);
    expect(writes.length).to.be.greaterThan(0);
  });

  it("finds zero hits of any password or credential, in any encoding", () => {
    const leaks = scanner.scan();
    expect(leaks, describeLeaks(leaks)).to.deep.equal([]);
    const { secrets, artifacts, bytes } = scanner.size;
    console.log(`    secret scan: ${secrets} secrets × ${artifacts} artifacts (${bytes} bytes): 0 hits`);
  });
});
