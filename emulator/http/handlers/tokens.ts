/**
 * The six token operations: parse the request, call the token model, render the response. No rule
 * lives here; the rules are in `model/tokens.ts` and the body checks in `validate/tokens.ts`.
 */
import { tokenView } from "../../model/views";
import { parsePage } from "../../validate/params";
import { parseTokenBody, parseTokenPatch } from "../../validate/tokens";
import { idParam, withQuery, type Handler, type Models, type RequestContext } from "./context";

/** The handlers of the token operations, keyed by operationId. */
export function tokenHandlers(models: Models): Record<string, Handler> {
  const { tokens } = models;
  return {
    registriesTokensGet: (ctx) => {
      const registryId = idParam(ctx, "registryId");
      const { offset, limit } = parsePage(ctx.query);
      const page = tokens.list(registryId, offset, limit);
      return { status: 200, body: tokensPage(ctx, registryId, offset, limit, page) };
    },
    registriesTokensPost: (ctx) => {
      const registryId = idParam(ctx, "registryId");
      const input = parseTokenBody(ctx.body, ctx.nowMs);
      const { token, password } = tokens.create(registryId, input, ctx.actor);
      return { status: 201, body: tokenView(token, password), headers: location(ctx, registryId, token.id) };
    },
    registriesTokensFindById: (ctx) => {
      const token = tokens.get(idParam(ctx, "registryId"), idParam(ctx, "tokenId"));
      return { status: 200, body: tokenView(token) };
    },
    registriesTokensPatch: (ctx) => {
      const [registryId, tokenId] = [idParam(ctx, "registryId"), idParam(ctx, "tokenId")];
      const token = tokens.patch(registryId, tokenId, parseTokenPatch(ctx.body, ctx.nowMs), ctx.actor);
      return { status: 200, body: tokenView(token) };
    },
    registriesTokensPut: (ctx) => {
      const [registryId, tokenId] = [idParam(ctx, "registryId"), idParam(ctx, "tokenId")];
      const result = tokens.put(registryId, tokenId, parseTokenBody(ctx.body, ctx.nowMs), ctx.actor);
      // 201 for both create and replace: the spec documents no other success code for PUT.
      return {
        status: 201,
        body: tokenView(result.token, result.password ?? ""),
        headers: location(ctx, registryId, tokenId),
      };
    },
    registriesTokensDelete: (ctx) => {
      tokens.delete(idParam(ctx, "registryId"), idParam(ctx, "tokenId"));
      return { status: 204 };
    },
  };
}

function location(ctx: RequestContext, registryId: string, tokenId: string): Record<string, string> {
  return { Location: `${ctx.baseUrl}/registries/${registryId}/tokens/${tokenId}` };
}

/**
 * The `TokensResponse` envelope. Links are absolute URLs; `next`/`previous` are `""` when there is no
 * such page (and with `limit=0`, which would otherwise link to the same page forever).
 */
function tokensPage(
  ctx: RequestContext,
  registryId: string,
  offset: number,
  limit: number,
  page: { items: ReturnType<Models["tokens"]["list"]>["items"]; total: number },
): unknown {
  const base = `${ctx.baseUrl}/registries/${registryId}/tokens`;
  const link = (at: number): string => withQuery(base, { offset: at, limit });
  const self = link(offset);
  return {
    id: registryId,
    type: "collection",
    href: self,
    offset,
    limit,
    count: page.items.length,
    total: page.total,
    _links: {
      self,
      next: limit > 0 && offset + limit < page.total ? link(offset + limit) : "",
      previous: limit > 0 && offset > 0 ? link(Math.max(0, offset - limit)) : "",
    },
    items: page.items.map((t) => tokenView(t)),
  };
}
