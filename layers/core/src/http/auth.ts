import { forbidden, unauthenticated } from "./http-error";

// Caller identity: the authorizer resolves the key once and API Gateway hands the api Lambda its context
// (event.requestContext.authorizer.lambda). The api Lambda trusts only that context, never the raw header.

export type Role = "admin" | "buyer" | "provider";

export interface AuthContext {
  readonly accountId: string;
  readonly role: Role;
}

/** Longest Authorization header value we hash; real keys are ~60 characters. */
const MAX_KEY_LENGTH = 512;

/** The key from `Authorization: Bearer <key>` (headers as API Gateway v2 delivers them: lower-case names). */
export const bearerKey = (headers: Record<string, string | undefined> | undefined): string | undefined => {
  const value = headers?.authorization ?? headers?.Authorization;
  if (value === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  const key = match?.[1];
  if (key === undefined || key.length > MAX_KEY_LENGTH) return undefined;
  return key;
};

const isRole = (v: unknown): v is Role => v === "admin" || v === "buyer" || v === "provider";

interface WithAuthorizer {
  readonly requestContext: { readonly authorizer?: { readonly lambda?: Record<string, unknown> } };
}

/** The authorizer's context; a 401 when absent (a route reached without the authorizer). */
export const callerOf = (event: WithAuthorizer): AuthContext => {
  const ctx = event.requestContext.authorizer?.lambda;
  const accountId = ctx?.accountId;
  const role = ctx?.role;
  if (typeof accountId !== "string" || accountId === "" || !isRole(role)) throw unauthenticated();
  return { accountId, role };
};

/** The caller, if its role is one of `roles`; else 403. */
export const requireRole = (event: WithAuthorizer, ...roles: readonly Role[]): AuthContext => {
  const caller = callerOf(event);
  if (!roles.includes(caller.role)) throw forbidden();
  return caller;
};
