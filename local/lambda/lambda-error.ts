/** A failed invocation as Lambda reports it: errorType is the thrown error's name. */
export class LambdaInvocationError extends Error {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: string[];

  constructor(errorType: string, errorMessage: string, trace: string[] = []) {
    super(errorMessage);
    this.name = errorType;
    this.errorType = errorType;
    this.errorMessage = errorMessage;
    this.trace = trace;
  }

  /** The payload Lambda returns with X-Amz-Function-Error (and Step Functions puts in Cause). */
  toPayload(): { errorType: string; errorMessage: string; trace?: string[] } {
    return { errorType: this.errorType, errorMessage: this.errorMessage, trace: this.trace };
  }
}

export class FunctionNotFoundError extends Error {
  override name = "ResourceNotFoundException";
}
