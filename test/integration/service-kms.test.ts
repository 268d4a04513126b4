/**
 * The whole-service flows of service.test.ts again, on the template with the customer-managed key
 * (`courtesy:kms=customer-managed`): the table, queues, bucket and log groups under one key, so every call and
 * delivery is also evaluated with the KMS calls it implies (local/iam).
 */
import { useTemplateContext } from './harness';

useTemplateContext({ 'courtesy:kms': 'customer-managed' });
require('./service.test');
