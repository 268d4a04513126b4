// @ts-nocheck
import { BalanceRequest } from '../contracts';
import { getBalance } from '../app/balance';
import { clock } from '../shared/clock';
import { syncHandler } from '../shared/sync';
import { creditStore } from '../adapters/dynamodb';

/** Invoked synchronously: { customerId, limit?, cursor? } → courtesy-credit balance per currency + ledger page. */
export const handler = syncHandler('Balance', BalanceRequest, (request) => getBalance(request, { store: creditStore(), clock }));
