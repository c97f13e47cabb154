/**
 * Serving the emulated registries as real registries (`--serve-registry`): one Docker Distribution process
 * per registry, each on its own loopback port, all trusting one signing key made at start. A registry's
 * hostname is its process's address; the token endpoint learns from the `service` a client names which
 * registry's tokens to check, and each process accepts only bearer tokens for its own address, so a token
 * opens its own registry and no other. Separate processes also keep the registries' storage apart.
 *
 * Processes start with the emulator for every stored registry, and on create for new ones; they stop when the
 * registry is deleted or the emulator closes. One that dies is forgotten (and reported), so the next request
 * for its address starts a new one.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RegistryRecord } from "../model/records";
import { findRegistryBinary } from "./binary";
import { startDistribution, type RunningDistribution } from "./distribution";
import { createSigningKey, type SigningKey } from "./signingKey";

/** How registry addresses are found: real servers with `--serve-registry`, names that resolve nowhere without. */
export interface RegistryAddresses {
  /** The hostname clients use for `registry` (starting its server first when there is one). */
  of(registry: Pick<RegistryRecord, "id" | "name">): Promise<string>;
  /** The hostname if it is known without waiting, else undefined. */
  known(registry: Pick<RegistryRecord, "id" | "name">): string | undefined;
  /** The registry was deleted: stop its server and remove its images. */
  release(registryId: string): Promise<void>;
  /** Stops everything. */
  close(): Promise<void>;
}

/** Without `--serve-registry`: `<name>.cr.ionos.com`, as the real service names registries. */
export const NAMED_ADDRESSES: RegistryAddresses = {
  of: (registry) => Promise.resolve(namedAddress(registry)),
  known: (registry) => namedAddress(registry),
  release: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

function namedAddress(registry: Pick<RegistryRecord, "name">): string {
  return `${registry.name}.cr.ionos.com`;
}

/** Options of {@link RegistryHosting}. */
export interface RegistryHostingOptions {
  /** The registry binary; default: looked up on PATH (see `binary.ts`). */
  binary?: string;
  /** Keep images here, one folder per registry id (beside a `--data` file); default: a temporary folder. */
  storageDir?: string;
  /** Told when a registry server dies on its own. @default ignore */
  onServerExit?: (message: string) => void;
}

/** Distribution processes for the emulated registries; see the module comment. */
export class RegistryHosting implements RegistryAddresses {
  /** The token signer; the token endpoint signs with it. */
  readonly key: SigningKey;
  private readonly binary: string;
  private readonly workRoot: string;
  private readonly storageRoot: string;
  private readonly certificateFile: string;
  private readonly servers = new Map<string, Promise<RunningDistribution>>();
  private readonly addresses = new Map<string, { id: string; name: string; address: string }>();
  private realm: string | undefined;
  private readonly onServerExit: (message: string) => void;

  /** @throws Error when the registry binary cannot be found (naming how to install it) */
  constructor(options: RegistryHostingOptions = {}) {
    this.binary = findRegistryBinary(options.binary);
    this.onServerExit = options.onServerExit ?? (() => undefined);
    this.key = createSigningKey();
    this.workRoot = fs.mkdtempSync(path.join(os.tmpdir(), "ionos-registry-emulator-"));
    this.storageRoot = options.storageDir ?? path.join(this.workRoot, "storage");
    this.certificateFile = path.join(this.workRoot, "token-signer.pem");
    fs.writeFileSync(this.certificateFile, this.key.certificatePem);
  }

  /** The token endpoint's URL, known once the emulator listens; needed before the first server starts. */
  setRealm(realm: string): void {
    this.realm = realm;
  }

  /** The registry whose server listens at `address`, if any. */
  registryAt(address: string): { id: string; name: string } | undefined {
    for (const entry of this.addresses.values()) {
      if (entry.address === address) return { id: entry.id, name: entry.name };
    }
    return undefined;
  }

  async of(registry: Pick<RegistryRecord, "id" | "name">): Promise<string> {
    let server = this.servers.get(registry.id);
    if (server === undefined) {
      server = this.start(registry);
      this.servers.set(registry.id, server);
      // A failed start is not cached: the next request tries again.
      server.catch(() => this.servers.delete(registry.id));
    }
    return (await server).address;
  }

  known(registry: Pick<RegistryRecord, "id" | "name">): string | undefined {
    return this.addresses.get(registry.id)?.address;
  }

  async release(registryId: string): Promise<void> {
    const server = this.servers.get(registryId);
    this.servers.delete(registryId);
    await stopIfStarted(server);
    // After the wait: a start still under way when the registry went has recorded its address by now.
    this.addresses.delete(registryId);
    fs.rmSync(this.storageFor(registryId), { recursive: true, force: true });
    fs.rmSync(path.join(this.workRoot, registryId), { recursive: true, force: true });
  }

  async close(): Promise<void> {
    const servers = [...this.servers.values()];
    this.servers.clear();
    this.addresses.clear();
    await Promise.all(servers.map(stopIfStarted));
    fs.rmSync(this.workRoot, { recursive: true, force: true });
  }

  private async start(registry: Pick<RegistryRecord, "id" | "name">): Promise<RunningDistribution> {
    if (this.realm === undefined) throw new Error("registry hosting: the token endpoint is not known yet");
    let server: RunningDistribution | undefined;
    try {
      server = await startDistribution({
        binary: this.binary,
        workDir: path.join(this.workRoot, registry.id),
        storageDir: this.storageFor(registry.id),
        certificateFile: this.certificateFile,
        realm: this.realm,
        onUnexpectedExit: (detail) => {
          if (this.addresses.get(registry.id)?.address !== server?.address) return;
          this.servers.delete(registry.id);
          this.addresses.delete(registry.id);
          this.onServerExit(`the registry server of '${registry.name}' at ${server?.address} ${detail}`);
        },
      });
    } catch (err) {
      // Nothing of a registry whose server never ran stays on disk.
      fs.rmSync(path.join(this.workRoot, registry.id), { recursive: true, force: true });
      throw err;
    }
    this.addresses.set(registry.id, { id: registry.id, name: registry.name, address: server.address });
    return server;
  }

  private storageFor(registryId: string): string {
    return path.join(this.storageRoot, registryId);
  }
}

async function stopIfStarted(server: Promise<RunningDistribution> | undefined): Promise<void> {
  await (await server?.catch(() => undefined))?.stop();
}
