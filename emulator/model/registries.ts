/**
 * Registry semantics: enough of the registries API to own tokens. Names are unique; a registry is
 * `Running` as soon as it exists (terraform waits for that state); deleting one deletes its tokens.
 */
import { randomUUID } from "node:crypto";
import { conflict, notFound } from "../errors";
import type { Store } from "../store/store";
import type { Actor, RegistryRecord, WeeklySchedule } from "./records";
import { formatTimestamp } from "./time";

/** The properties of a POST /registries body, validated. */
export interface RegistryInput {
  name: string;
  location: string;
  garbageCollectionSchedule?: WeeklySchedule | null;
  features?: { vulnerabilityScanning?: { enabled: boolean } };
  apiSubnetAllowList?: string[];
}

/** The registry rules over a {@link Store}. Throws `ApiProblem` (404, 409) for rule violations. */
export class RegistryModel {
  /**
   * @param store - where registries live
   * @param clock - the emulator clock, for `createdDate`
   * @param newId - id generator (tests may fix it)
   */
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
    private readonly newId: () => string = randomUUID,
  ) {}

  /**
   * Creates a registry; `id` is honoured when given (seeding), otherwise generated.
   * @throws 409 when the name or the id is already taken
   */
  create(input: RegistryInput, actor: Actor, id?: string): RegistryRecord {
    const clash = this.findByName(input.name);
    if (clash !== undefined) throw conflict(`a registry named '${input.name}' already exists`);
    const registryId = (id ?? this.newId()).toLowerCase();
    if (this.store.getRegistry(registryId) !== undefined) {
      throw conflict(`registry id '${registryId}' is already taken`);
    }
    const record: RegistryRecord = {
      id: registryId,
      name: input.name,
      location: input.location,
      garbageCollectionSchedule: input.garbageCollectionSchedule ?? null,
      ...(input.features === undefined ? {} : { features: input.features }),
      ...(input.apiSubnetAllowList === undefined ? {} : { apiSubnetAllowList: input.apiSubnetAllowList }),
      createdDate: formatTimestamp(this.clock().getTime()),
      createdBy: actor.email,
      createdByUserId: actor.userId,
    };
    this.store.putRegistry(record);
    return record;
  }

  /** The registry named `name`, if any. */
  findByName(name: string): RegistryRecord | undefined {
    return this.store.listRegistries().find((r) => r.name === name);
  }

  /** All registries whose name contains `nameFilter` (all when undefined), in creation order. */
  list(nameFilter?: string): RegistryRecord[] {
    const all = this.store.listRegistries();
    return nameFilter === undefined ? all : all.filter((r) => r.name.includes(nameFilter));
  }

  /** The registry `id`. @throws 404 when unknown */
  get(id: string): RegistryRecord {
    const record = this.store.getRegistry(id);
    if (record === undefined) throw notFound("registry", id);
    return record;
  }

  /** Deletes the registry `id` and its tokens. @throws 404 when unknown */
  delete(id: string): void {
    if (!this.store.deleteRegistry(id)) throw notFound("registry", id);
  }
}
