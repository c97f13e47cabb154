import { expect } from "chai";
import { randomBytes } from "crypto";
import type { FaultOptions } from "../../emulator";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { serializedProvider, type HostResource, type Props } from "../support/hostSession";
import { describeLeaks, LeakScanner } from "../support/leakScanner";
import { MODE_TITLE, MODES, startDriver, type Mode, type ModeDriver } from "../support/modes";

const API_TOKEN = `hyg-token-${randomBytes(12).toString("hex")}`;
const API_USER = `hyg-user-${randomBytes(6).toString("hex")}@example.com`;
const API_PASSWORD = `hyg-pass-${randomBytes(12).toString("hex")}`;
const WRONG_TOKEN = `hyg-wrong-${randomBytes(12).toString("hex")}`;
const BASIC_HEADER = `Basic ${Buffer.from(`${API_USER}:${API_PASSWORD}`).toString("base64")}`;
const FAST = { requestTimeoutMs: 300, retryBudgetMs: 800 };
const PULL = [{ name: "*", type: "repository" as const, actions: ["pull" as const] }];

for (const mode of MODES) describeHygiene(mode);

/**
 * The whole lifecycle through the provider in `mode` — create, refresh, read by ID, update, recreate on update,
 * replace, bad input, failed calls, delete — once with a Bearer token from the provider config and once with
 * Basic credentials from the environment; then every byte the provider produced is scanned for every password
 * and credential: its answers, errors and what its processes printed (in plugin mode, every gRPC error whole).
 */
function describeHygiene(mode: Mode): void {
  describe(`secret hygiene (${mode}): no password or credential in anything the ${MODE_TITLE[mode]} produces`, function () {
    this.timeout(60_000);
    let emulator: RunningEmulator;
    const drivers: ModeDriver[] = [];
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
      emulator.setFaults(faults);
      const error = await call().then(
        () => undefined,
        (e: Error) => e,
      );
      emulator.setFaults({});
      expect(error, `${source} should have failed`).to.be.instanceOf(Error);
      errors.push(error!.message);
      scanner.addArtifact(`error: ${source}`, error);
    }

    /** One lifecycle through `driver`; `tag` keeps token names apart. */
    async function lifecycle(driver: ModeDriver, tag: string): Promise<void> {
      const registryId = emulator.registries[0].id;
      const program = (args: Props) => driver.program({ registryId, scopes: PULL, ...args });
      /** Creates a token named `name`, or with a name generated from it as prefix (`generated`). */
      const up = async (name: string, generated = false): Promise<HostResource> => {
        const { inputs } = await driver.check({}, await program(generated ? { namePrefix: name } : { name }));
        const { id, properties } = await driver.create(inputs);
        record(`create ${name}`, { id, properties });
        return { id, inputs, outs: properties };
      };
      const change = async (resource: HostResource, args: Props): Promise<HostResource> => {
        const checked = await driver.check(
          resource.inputs,
          await program({ name: resource.outs.name, ...args }),
        );
        record(`check ${tag}`, checked);
        const outs = await driver.update(resource, checked.inputs);
        record(`update ${resource.outs.name}`, outs);
        return { ...resource, inputs: checked.inputs, outs };
      };

      record(
        `bad input ${tag}`,
        await driver.check({}, await program({ name: "-x", status: "on", scopes: [{}] })),
      );
      let a = await up(`${tag}-a`);
      record(`refresh ${tag}-a`, await driver.read(a));
      record(`read by id ${tag}-a`, await driver.readById(a.id));
      a = await change(a, { status: "disabled" });
      emulator.admin.deleteToken(registryId, String(a.outs.tokenId));
      a = await change(a, { status: "enabled" }); // PATCH 404 → PUT: a new password
      const b = await up(`${tag}-b`); // replacement with a new name: create first, then delete the old one
      await driver.delete(a);
      await failing(`create ${tag}-b again (name taken)`, () => up(`${tag}-b`));
      emulator.setFaults({
        rules: [{ match: { methods: ["POST"] }, action: { type: "commitThenStatus" }, times: 1 }],
      });
      const c = await up(`${tag}-c`, true); // the lost answer is recovered: orphan deleted, created again
      emulator.setFaults({});
      await failing(`update ${tag}-b`, () => change(b, { status: "disabled" }), {
        rules: [{ match: { methods: ["PATCH"] }, action: { type: "status", status: 500 } }],
      });
      await failing(`refresh ${tag}-b`, () => driver.read(b), {
        rules: [{ match: { methods: ["GET"] }, action: { type: "status", status: 503 } }],
      });
      await failing(`delete ${tag}-c`, () => driver.delete(c), {
        rules: [{ match: { methods: ["DELETE"] }, action: { type: "reset" } }],
      });
      await driver.delete(b);
      await driver.delete(c);
    }

    /** Runs `use` with a fresh provider process, then scans everything that process printed. */
    async function withDriver(
      label: string,
      options: Parameters<typeof startDriver>[1],
      use: (driver: ModeDriver) => Promise<void>,
    ): Promise<void> {
      const driver = await startDriver(mode, options);
      drivers.push(driver);
      try {
        await use(driver);
      } finally {
        await driver.close();
        for (const t of driver.transcripts()) scanner.addArtifact(`${t.source} (${label})`, t.text);
      }
    }

    before(async () => {
      emulator = await startEmulator({
        credentials: { token: API_TOKEN, username: API_USER, password: API_PASSWORD },
        registries: [{ name: "hygiene" }],
      });
      // What the dynamic provider stores in every resource's state; the plugin stores no code.
      if (mode === "dynamic") scanner.addArtifact("serialized provider", await serializedProvider());
      await withDriver("Bearer", { settings: { token: API_TOKEN, endpoint: emulator.url, ...FAST } }, (d) =>
        lifecycle(d, "bearer"),
      );
      await withDriver(
        "Basic",
        {
          env: { IONOS_USERNAME: API_USER, IONOS_PASSWORD: API_PASSWORD, IONOS_API_URL: emulator.url },
          settings: FAST,
        },
        (d) => lifecycle(d, "basic"),
      );
      await withDriver(
        "wrong credentials",
        { settings: { token: WRONG_TOKEN, endpoint: emulator.url } },
        async (wrong) => {
          const registryId = emulator.registries[0].id;
          const checked = await wrong.check({}, await wrong.program({ registryId, name: "wrong-creds" }));
          await failing("create with wrong credentials", () => wrong.create(checked.inputs));
        },
      );
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
      await emulator?.close();
    });

    it("exercised every path: passwords from creates and a recreate, errors, both kinds of credentials", () => {
      // a, the recreated a, b and c per lifecycle: all distinct.
      expect(passwords.size).to.equal(8);
      expect(errors).to.have.length(9);
      expect(errors.join("\n"))
        .to.match(/HTTP 401/)
        .and.match(/already exists/)
        .and.match(/HTTP 503/);
      const writes = emulator.requests().filter((r) => r.method === "PUT" && r.status === 201);
      expect(writes.length).to.be.greaterThan(0);
    });

    it("finds zero hits of any password or credential, in any encoding", () => {
      const leaks = scanner.scan();
      expect(leaks, describeLeaks(leaks)).to.deep.equal([]);
      const { secrets, artifacts, bytes } = scanner.size;
      console.log(
        `    secret scan (${mode}): ${secrets} secrets × ${artifacts} artifacts (${bytes} bytes): 0 hits`,
      );
    });

    // Only the plugin marks the password secret itself (the dynamic host answers plain values; the engine marks
    // them from the registration): in plugin mode every answer that carries it must carry it wrapped.
    if (mode === "plugin") {
      it("returns the password wrapped as a secret in every output: creates, refreshes, reads by ID, updates", () => {
        const plain = drivers.flatMap((d) => d.secretOutputs().plain);
        expect(plain, "outputs whose password was not a secret").to.deep.equal([]);
        // Per lifecycle: 3 creates (a, b, c; the second b fails), a refresh, a read by ID, 2 updates.
        const checked = drivers.reduce((n, d) => n + d.secretOutputs().checked, 0);
        expect(checked).to.equal(14);
      });
    }
  });
}
