/**
 * The stream router's use case: each table stream record goes, unchanged, to the work queue of every concern
 * that consumes it (usually one; a change two concerns consume goes to both; the routing table decides:
 * lambdas/adapters/dynamodb/routes.ts). A record whose messages
 * could not all be sent is reported failed, so the stream mapping retries from it; a resend may duplicate a
 * message, which the workers absorb (they are idempotent). A record no route names is skipped.
 */

export interface OutgoingMessage {
  /** Unique within one call. */
  readonly id: string;
  readonly body: string;
}

/** Sends messages to a queue; resolves with the ids of those it could not send. */
export interface QueueSender {
  send(queueUrl: string, messages: readonly OutgoingMessage[]): Promise<ReadonlySet<string>>;
}

export interface RouteOutcome {
  /** Indexes (in the batch) of the records to retry. */
  readonly failed: readonly number[];
  /** Messages sent, per queue URL. */
  readonly sent: Readonly<Record<string, number>>;
  /** Records no route names. */
  readonly skipped: number;
}

/** Sends each record, unchanged (as JSON), to every queue `queuesOf` names for it. */
export async function routeRecords<R>(
  records: readonly R[],
  queuesOf: (record: R) => readonly string[],
  sender: QueueSender,
): Promise<RouteOutcome> {
  const byQueue = new Map<string, OutgoingMessage[]>();
  let skipped = 0;
  records.forEach((record, i) => {
    const queues = queuesOf(record);
    if (queues.length === 0) skipped++;
    for (const q of queues) byQueue.set(q, [...(byQueue.get(q) ?? []), { id: String(i), body: JSON.stringify(record) }]);
  });
  const failed = new Set<number>();
  const sent: Record<string, number> = {};
  await Promise.all(
    [...byQueue].map(async ([queueUrl, messages]) => {
      let notSent: ReadonlySet<string>;
      try {
        notSent = await sender.send(queueUrl, messages);
      } catch {
        notSent = new Set(messages.map((m) => m.id));
      }
      for (const id of notSent) failed.add(Number(id));
      sent[queueUrl] = messages.length - notSent.size;
    }),
  );
  return { failed: [...failed].sort((a, b) => a - b), sent, skipped };
}
