/** An error the Step Functions API returns to its caller (AWS JSON shape: `__type` + message). */
export class SfnApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** A state failure: `name` is what Retry/Catch ErrorEquals match, `message` becomes the Cause. */
export class StateError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}
