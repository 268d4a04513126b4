/**
 * One synchronous Lambda Invoke of a service function, as its callers make it: the CLI and the operator console
 * share it. The function's own answer (`{ ok, … }`) is returned as is; a crash of the function (FunctionError)
 * throws; an AWS refusal of the call itself (e.g. AccessDeniedException) propagates as the SDK's error.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

export class FunctionFailed extends Error {
  override readonly name = 'FunctionFailed';
}

export async function invokeFunction(lambda: LambdaClient, functionName: string, payload: unknown): Promise<unknown> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }));
  const body = JSON.parse(Buffer.from(out.Payload ?? []).toString() || 'null');
  if (out.FunctionError) throw new FunctionFailed(`${functionName} failed: ${JSON.stringify(body)}`);
  return body;
}
