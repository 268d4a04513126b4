/**
 * What the bench's cost model (section 5, and the stream topologies it compares) takes as given: AWS on-demand list
 * prices, region us-east-1 (N. Virginia), USD, and the latency of the remote calls the bench does not make.
 *
 * Provenance: as published, recorded 2026-11-25. These are the benchmark author's best knowledge of the public
 * AWS pricing pages (DynamoDB on-demand after the November 2024 price reduction, Lambda arm64 first tier,
 * EventBridge custom events, SES outbound email); they were NOT re-read from the pricing pages on that date —
 * the machine the bench was written on has no access to them. Verify before relying, and update the date
 * when you do. eu-central-1 (Frankfurt) is somewhat higher for DynamoDB and Lambda.
 *
 * Free tiers are ignored (a service at scale is past them).
 */
export const PRICES = {
  region: 'us-east-1',
  recorded: '2026-11-25',
  provenance: 'as published (best knowledge of the AWS pricing pages, not re-read on that date); verify before relying',
  dynamodb: {
    /** On-demand write request unit, per million. A transactional write costs 2 WRU per 1 KB. */
    writeRequestUnitPerMillion: 0.625,
    /** On-demand read request unit, per million (strongly consistent read of up to 4 KB = 1 RRU). */
    readRequestUnitPerMillion: 0.125,
    /** Streams read by Lambda triggers: no charge for GetRecords from Lambda. */
    streamsReadByLambda: 0,
  },
  lambda: {
    /** arm64 (Graviton), first pricing tier, per GB-second. */
    arm64GbSecond: 0.0000133334,
    /** Per request (invocation). */
    requestPerMillion: 0.2,
    /** Duration is billed in 1 ms increments. */
    billingGranularityMs: 1,
  },
  eventbridge: {
    /** Custom events published with PutEvents, per million (each 64 KB chunk of an entry counts as one). */
    putEventsPerMillion: 1.0,
  },
  ses: {
    /** Outbound email, per 1,000 messages (attachments/data transfer extra; these emails have none). */
    emailPer1000: 0.1,
  },
  sqs: {
    /**
     * Standard queue requests, per million (each 64 KB chunk of a payload is one request; a SendMessageBatch or
     * ReceiveMessage of up to 10 messages is one request). Recorded 2026-11-25, same provenance as above.
     */
    standardRequestPerMillion: 0.4,
  },
  pipes: {
    /** EventBridge Pipes, per million requests after filtering (64 KB chunks). Recorded 2026-11-25, same provenance. */
    requestPerMillion: 0.4,
  },
  scheduler: {
    /** EventBridge Scheduler, per million invocations after the free tier (14 million a month). Recorded 2026-11-25. */
    invocationPerMillion: 1.0,
  },
} as const;

/** Not measured (no SES, EventBridge or SQS endpoint is called): typical in-region API latency, assumed. */
export const ASSUMED_REMOTE_MS = { sesSendEmail: 30, eventBridgePutEvents: 15, sqsSendMessageBatch: 10 } as const;
