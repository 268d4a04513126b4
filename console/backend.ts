/**
 * Where the console's calls go: the running `npm start` (its endpoints file) or a deployed stage with the operator's
 * own AWS credentials (the SDK's default chain: profile, SSO, environment). Nothing is stored; the console adds no
 * endpoint to the service. Function calls go through the CLI's invoke (local/invoke.ts), redrive through its
 * StartMessageMoveTask code (local/redrive.ts).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { FUNCTION_NAMES, type FunctionName } from '../infra/functions';
import { functionNameOutputKey, stageNames } from '../infra/names';
import type { EndpointsFile } from '../local/endpoints';
import { invokeFunction } from '../local/invoke';
import { pseudonymizeEmail } from '../lambdas/shared/observability';

export interface Backend {
  /** What the page shows as the target. */
  readonly target: { readonly kind: 'local' | 'aws'; readonly label: string };
  /** One Invoke of a service function; the function's answer, or the AWS refusal as a thrown SDK error. */
  invoke(fn: FunctionName, payload: unknown): Promise<unknown>;
  readonly sqs: SQSClient;
  /** Queue-name prefix of the stage's queues (AWS: the stack name; locally none). */
  readonly queuePrefix: string;
  /** Emails the service sent to the customer (local only: a deployed stage's sent mail is not readable). */
  readonly mailFor?: (customerId: string) => Promise<SentEmail[]>;
}

/** An email as the console shows it: the recipient only by the logs' pseudonym, never the address. */
export interface SentEmail {
  readonly at: string;
  readonly subject: string;
  readonly recipient: string;
}

const LOCAL_REGION = 'eu-central-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function localBackend(endpoints: Pick<EndpointsFile, 'runtime' | 'ses'>): Backend {
  const lambda = new LambdaClient({ endpoint: endpoints.runtime, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  return {
    target: { kind: 'local', label: `local service (npm start) at ${endpoints.runtime}` },
    invoke: (fn, payload) => invokeFunction(lambda, fn, payload),
    sqs: new SQSClient({ endpoint: endpoints.runtime, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
    queuePrefix: '',
    mailFor: (customerId) => localMail(endpoints, customerId),
  };
}

/**
 * A deployed stage: the function names come from the stack's outputs (functionNameOutputKey, infra/names.ts), read
 * once with the operator's credentials; every call is signed with them, so IAM decides and a refusal is shown as is.
 */
export async function awsBackend(stage: string): Promise<Backend> {
  const { stackName } = stageNames(stage);
  const stacks = await new CloudFormationClient({}).send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs = new Map((stacks.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const names = new Map(FUNCTION_NAMES.map((fn) => [fn, outputs.get(functionNameOutputKey(fn))]));
  const lambda = new LambdaClient({});
  return {
    target: { kind: 'aws', label: `stage ${stage} (stack ${stackName}), your AWS credentials` },
    invoke: (fn, payload) => {
      const name = names.get(fn);
      if (!name) throw new Error(`stack ${stackName} has no output ${functionNameOutputKey(fn)}`);
      return invokeFunction(lambda, name, payload);
    },
    sqs: new SQSClient({}),
    queuePrefix: `${stackName}-`,
  };
}

/**
 * The SES emulator's mailbox, narrowed to one customer: the emulator keeps no tags, so the customer's addresses are
 * taken from the ComplaintResolved events the local bus received for them (its event log); they never leave this module.
 */
async function localMail(endpoints: Pick<EndpointsFile, 'runtime' | 'ses'>, customerId: string): Promise<SentEmail[]> {
  const [events, store] = await Promise.all([getJson(`${endpoints.runtime}/_local/events`), getJson(`${endpoints.ses}/store`)]);
  const addresses = new Set(
    (events as Array<{ event?: { detail?: { customerId?: unknown; email?: unknown } } }>)
      .map((e) => e.event?.detail)
      .filter((d) => d?.customerId === customerId && typeof d.email === 'string')
      .map((d) => String(d!.email).trim().toLowerCase()),
  );
  const emails = (store as { emails: Array<{ subject: string; destination?: { to?: string[] }; at: number }> }).emails;
  return emails
    .filter((e) => (e.destination?.to ?? []).some((to) => addresses.has(to.trim().toLowerCase())))
    .map((e) => ({
      at: new Date(e.at * 1000).toISOString(),
      subject: e.subject,
      recipient: (e.destination?.to ?? []).map(pseudonymizeEmail).join(', '),
    }));
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}
