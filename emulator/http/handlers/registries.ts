/**
 * The registry operations the emulator serves (list, create, get, delete), plus `locationsGet` and
 * `namesCheckUsage`, which clients call before creating a registry.
 *
 * The list follows the current API (`pagination: {limit, token}`, query `pagination.token`), not the
 * obsolete v1.0 `nextPageToken`; the v1.0 query name is still accepted as an alias.
 */
import { invalidField, notFound, registryServerFailed } from "../../errors";
import { LIMITS } from "../../limits";
import type { RegistryRecord } from "../../model/records";
import { registryView, type RegistryView } from "../../model/views";
import { parseCount, singleQueryValue } from "../../validate/params";
import { parseRegistryBody, REGISTRY_NAME_PATTERN } from "../../validate/registries";
import { idParam, rawParam, withQuery, type Handler, type Models, type RequestContext } from "./context";

/** Locations listed by `GET /locations` (real location ids at the time of writing). */
export const LOCATIONS = [
  "de/fra",
  "de/txl",
  "es/vit",
  "fr/par",
  "gb/lhr",
  "gb/bhx",
  "us/ewr",
  "us/las",
  "us/mci",
];

/** The handlers of the registry operations, keyed by operationId. */
export function registryHandlers(models: Models): Record<string, Handler> {
  const { registries, addresses } = models;
  const render = async (record: RegistryRecord): Promise<RegistryView> =>
    registryView(record, await addresses.of(record));
  return {
    registriesGet: async (ctx) => {
      const filter = singleQueryValue(ctx.query, "filter.name");
      const limit = parseCount(
        singleQueryValue(ctx.query, "limit"),
        "limit",
        LIMITS.defaultPageLimit,
        LIMITS.maxPageLimit,
      );
      const offset = decodePageToken(ctx.query);
      const page = registriesPage(ctx, registries.list(filter), filter, offset, limit);
      return { status: 200, body: { ...page, items: await Promise.all(page.items.map(render)) } };
    },
    registriesPost: async (ctx) => {
      const record = registries.create(parseRegistryBody(ctx.body), ctx.actor);
      let body: RegistryView;
      try {
        body = await render(record);
      } catch (err) {
        // No registry without its server: the create fails as a whole, leaving nothing on disk.
        registries.delete(record.id);
        await addresses.release(record.id);
        throw registryServerFailed(record.name, err);
      }
      return { status: 201, body, headers: { Location: `${ctx.baseUrl}/registries/${record.id}` } };
    },
    registriesFindById: async (ctx) => ({
      status: 200,
      body: await render(registries.get(idParam(ctx, "registryId"))),
    }),
    registriesDelete: async (ctx) => {
      const registryId = idParam(ctx, "registryId");
      registries.delete(registryId);
      await addresses.release(registryId);
      return { status: 204 };
    },
    locationsGet: (ctx) => ({
      status: 200,
      body: {
        id: "locations",
        type: "collection",
        href: `${ctx.baseUrl}/locations`,
        items: LOCATIONS.map((id) => ({ id })),
      },
    }),
    namesCheckUsage: (ctx) => {
      const name = rawParam(ctx, "name");
      if (!REGISTRY_NAME_PATTERN.test(name))
        throw invalidField("name", `must match ${REGISTRY_NAME_PATTERN.source}`);
      // 200 means "valid but taken", 404 "available": the spec's odd but documented convention.
      if (registries.findByName(name) === undefined) throw notFound("registry name", name);
      return { status: 200 };
    },
  };
}

/** Opaque page tokens: base64url of the next offset. */
function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64url");
}

function decodePageToken(query: URLSearchParams): number {
  const token = singleQueryValue(query, "pagination.token") ?? singleQueryValue(query, "nextPageToken");
  if (token === undefined || token === "") return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { offset?: unknown };
    if (Number.isSafeInteger(parsed.offset) && (parsed.offset as number) >= 0) return parsed.offset as number;
  } catch {
    // fall through to the 400 below
  }
  throw invalidField("pagination.token", "is not a token this server issued");
}

function registriesPage(
  ctx: RequestContext,
  all: RegistryRecord[],
  filter: string | undefined,
  offset: number,
  limit: number,
): Record<string, unknown> & { items: RegistryRecord[] } {
  const base = `${ctx.baseUrl}/registries`;
  const link = (at: number): string =>
    withQuery(base, {
      ...(filter === undefined ? {} : { "filter.name": filter }),
      limit,
      ...(at === 0 ? {} : { "pagination.token": encodePageToken(at) }),
    });
  const hasNext = limit > 0 && offset + limit < all.length;
  return {
    type: "collection",
    href: link(offset),
    _links: {
      self: link(offset),
      next: hasNext ? link(offset + limit) : "",
      previous: limit > 0 && offset > 0 ? link(Math.max(0, offset - limit)) : "",
    },
    pagination: { limit, token: hasNext ? encodePageToken(offset + limit) : "" },
    items: all.slice(offset, offset + limit),
  };
}
