import fs from 'node:fs';
import path from 'node:path';
import { contractSchemaFiles, checkedInSchemaFiles, eventSchemas, SCHEMAS_DIR } from '../../infra/schemas';
import type * as z from 'zod/mini';
import { SYNCHRONOUS_FUNCTIONS } from '../../infra/catalogue/synchronous';
import type { ErrorBody } from '../../lambdas/contracts/answers';
import { CreditError } from '../../lambdas/domain/errors';
import { OPERATIONS } from '../../lambdas/contracts/operations';
import { DETAIL_TYPES } from '../../lambdas/domain/events';
import { ContractSchemas } from '../support/contract-schemas';

describe('schemas/ is generated from lambdas/contracts', () => {
  const generated = contractSchemaFiles();

  it('holds exactly the generated files, byte for byte (else: npm run schemas)', () => {
    expect(checkedInSchemaFiles()).toEqual([...generated.keys()].sort());
    for (const [file, text] of generated) expect([file, fs.readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')]).toEqual([file, text]);
  });

  it('has a request and an answer for every synchronous function, and a schema for every event out and ComplaintResolved', () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual(Object.keys(SYNCHRONOUS_FUNCTIONS).sort());
    expect(
      eventSchemas()
        .map((e) => e.detailType)
        .sort(),
    ).toEqual([...Object.values(DETAIL_TYPES), 'ComplaintResolved'].sort());
  });

  it('every file is a draft-04 schema a standard validator compiles in strict mode', () => {
    expect(() => new ContractSchemas().compileAll()).not.toThrow();
  });

  it("the error body the domain builds is the contract's (typed, and valid against error.json)", () => {
    const schemas = new ContractSchemas();
    const bodies: z.output<typeof ErrorBody>[] = [
      new CreditError('HOLD_NOT_ACTIVE', 'hold h-1 is RELEASED', { status: 'RELEASED' }).toJSON(),
      new CreditError('CONCURRENT_MODIFICATION', 'busy').toJSON(),
    ];
    for (const body of bodies) expect(schemas.problems('operations/error.json', body)).toEqual([]);
    expect(schemas.problems('operations/error.json', { ...bodies[1], code: 'BUSY' })).toEqual([
      expect.stringContaining('/code must be equal to one of the allowed values'),
    ]);
  });
});
