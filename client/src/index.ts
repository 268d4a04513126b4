/** @courtesy-credits/client: the typed client of the courtesy-credits service (README.md beside this package). */
export { CourtesyCreditsClient, MissingKey, ServiceFailure } from './client';
export type { CourtesyCreditsClientOptions, Operation, RetryOptions } from './client';
export type * from './types';
