import type { z } from "zod";
import { HttpError } from "./http-error";

// Turns the first zod issue into a 400 that names the offending field in `param`, the way OpenAI does
// (`messages[0].role`), so clients can point at the exact field without parsing the message.

type Issue = z.core.$ZodIssue;

export const formatParam = (path: readonly PropertyKey[]): string | null => {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? null : out;
};

const toHttpError = (issue: Issue): HttpError => {
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const param = formatParam([...issue.path, key]);
    return new HttpError(
      400,
      "invalid_request_error",
      "unknown_parameter",
      `Unrecognized field: '${param}'`,
      param,
    );
  }
  const param = formatParam(issue.path);
  if (param === null) {
    return new HttpError(400, "invalid_request_error", "invalid_value", "Request body must be a JSON object");
  }
  const missing = issue.code === "invalid_type" && issue.input === undefined;
  const code = missing ? "missing_required_parameter" : "invalid_value";
  const message = missing
    ? `Missing required field: '${param}'`
    : `Invalid value for '${param}': ${issue.message}`;
  return new HttpError(400, "invalid_request_error", code, message, param);
};

/** Parses `input` with `schema` or throws a 400 HttpError naming the first invalid field. */
export const parseOrThrow = <S extends z.ZodType>(schema: S, input: unknown): z.output<S> => {
  // reportInput: zod 4 omits the input from issues by default, and it tells missing from mistyped.
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) {
    throw new HttpError(400, "invalid_request_error", "invalid_value", "Invalid request body");
  }
  throw toHttpError(issue);
};
