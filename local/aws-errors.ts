/** Errors the local runtime answers the way AWS does: an HTTP status and the AWS JSON error shape (`__type`, `message`). */
export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }

  /** The AWS JSON protocol body. */
  body(): { __type: string; message: string } {
    return { __type: this.type, message: this.message };
  }
}

export const validation = (message: string) => new AwsError(400, 'ValidationException', message);
export const serialization = (message: string) => new AwsError(400, 'SerializationException', message);
/** An SQS JSON-protocol error: `__type` is `com.amazonaws.sqs#<type>`. */
export const sqsError = (type: string, message: string, status = 400) => new AwsError(status, `com.amazonaws.sqs#${type}`, message);

/** Parse a JSON request body; bad JSON is a 400 SerializationException, as AWS answers. */
export function parseJsonBody(body: Buffer | string): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw serialization('Start of structure or map found where not expected, or the request body is not valid JSON.');
  }
}
