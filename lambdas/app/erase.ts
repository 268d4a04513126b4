import type { EraseRequest } from '../contracts';
import type { AnswerOf, EraseAnswer } from '../contracts/answers';
import type { Clock } from '../shared/clock';
import type { EraseStore } from './ports';

/** The erase function's answer (its contract: lambdas/contracts/answers.ts). */
export type EraseResponse = AnswerOf<typeof EraseAnswer>;

/**
 * Erase a customer's personal data (the address, locale and free text) from every item: amounts, ids and dates stay, so balances,
 * history and the finance report are unchanged; no email can be sent about an erased credit afterwards.
 */
export async function eraseCustomer(req: EraseRequest, deps: { store: EraseStore; clock: Clock }): Promise<EraseResponse> {
  const erasedAt = deps.clock.now().toISOString();
  const itemsErased = await deps.store.eraseCustomer(req.customerId, erasedAt);
  return { customerId: req.customerId, erasedAt, itemsErased };
}
