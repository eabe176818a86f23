/**
 * Bedrock-shaped errors of the emulator.
 *
 * The emulator speaks AWS's REST-JSON wire format, not OpenAI's, so it cannot
 * use Batchgate's {@linkcode ApiError}: clients find the error name in the
 * `x-amzn-ErrorType` header (and `__type`), and a body key named `code` would
 * be taken as the error name by aws-sdk-js-v3, so none is ever sent.
 * @module
 */

/** Error names the emulator answers with. */
export type ServiceErrorName =
  | "ValidationException"
  | "ConflictException"
  | "ServiceQuotaExceededException"
  | "ResourceNotFoundException"
  | "SerializationException"
  | "UnknownOperationException"
  | "InternalServerException";

const STATUS: Record<ServiceErrorName, 400 | 404 | 500> = {
  ValidationException: 400,
  ConflictException: 400,
  ServiceQuotaExceededException: 400,
  ResourceNotFoundException: 404,
  SerializationException: 400,
  UnknownOperationException: 404,
  InternalServerException: 500,
};

/** An AWS service error: HTTP status, error name and message. */
export class ServiceError extends Error {
  /** The AWS error name, e.g. `ValidationException`. */
  readonly errorType: ServiceErrorName;
  readonly status: 400 | 404 | 500;

  /**
   * @param errorType AWS error name; fixes the HTTP status
   * @param message The `message` clients see
   */
  constructor(errorType: ServiceErrorName, message: string) {
    super(message);
    this.name = "ServiceError";
    this.errorType = errorType;
    this.status = STATUS[errorType];
  }

  /**
   * The wire response: status, `x-amzn-ErrorType` and `{"message","__type"}`.
   * @param requestId Value of `x-amzn-RequestId`
   */
  toResponse(requestId: string): Response {
    return Response.json({ message: this.message, __type: this.errorType }, {
      status: this.status,
      headers: { "x-amzn-RequestId": requestId, "x-amzn-ErrorType": this.errorType },
    });
  }
}

/** Shorthand for a 400 `ValidationException`. */
export function validationError(message: string): ServiceError {
  return new ServiceError("ValidationException", message);
}
