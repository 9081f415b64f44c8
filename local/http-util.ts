import type { IncomingMessage, ServerResponse } from "node:http";

export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
}

/** Reads a request body, refusing more than `maxBytes` (the caller answers 413). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > maxBytes) {
      req.resume();
      reject(new BodyTooLargeError(`body of ${declared} bytes exceeds ${maxBytes}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLargeError(`body exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function sendJson(
  res: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = "application/json",
): void {
  const payload = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(statusCode, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/** The error shape of AWS JSON-protocol services; the SDK maps `__type` to the named exception class. */
export function sendAwsJsonError(res: ServerResponse, code: string, message: string, statusCode = 400): void {
  sendJson(
    res,
    statusCode,
    { __type: code, message },
    { "x-amzn-errortype": code, "x-amzn-requestid": crypto.randomUUID() },
    "application/x-amz-json-1.0",
  );
}
