import { logger, pseudonymizeEmail, scrubEmails } from '../../lambdas/shared/observability';
import { writtenWhile } from '../support/output';

describe('email addresses never reach a log line in clear', () => {
  it('replaces addresses anywhere in nested values with a stable pseudonym', () => {
    const input = { a: 'to Kim@Example.com now', b: ['x', { c: 'kim@example.com' }], n: 3, nil: null };
    const out = scrubEmails(input);
    expect(JSON.stringify(out)).not.toMatch(/example\.com/i);
    expect(out.a).toBe(`to ${pseudonymizeEmail('kim@example.com')} now`);
    expect((out.b[1] as { c: string }).c).toBe(pseudonymizeEmail('KIM@example.com '));
    expect(out.n).toBe(3);
    expect(out.nil).toBeNull();
  });

  it('scrubs error messages and stacks', () => {
    const out = scrubEmails({ error: new Error('cannot mail lea@example.org') }) as { error: { message: string; stack: string } };
    expect(out.error.message).toBe(`cannot mail ${pseudonymizeEmail('lea@example.org')}`);
    expect(out.error.stack).not.toContain('lea@example.org');
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { e: 'x@y.de' };
    a.self = a;
    expect(() => scrubEmails(a)).not.toThrow();
  });

  it('applies to what the Powertools logger writes', () => {
    // Powertools writes INFO to stdout and ERROR to stderr: capture both.
    const { output: out } = writtenWhile(() => {
      logger.info('sending to kim@example.com', { customer: { email: 'kim@example.com' }, customerId: 'c-1' });
      logger.error('failed', new Error('SES rejected kim@example.com'));
    });
    expect(out).toContain('c-1'); // the capture works
    expect(out).toContain('SES rejected'); // and includes the error line
    expect(out).toContain(pseudonymizeEmail('kim@example.com'));
    expect(out).not.toContain('kim@example.com');
    for (const line of out.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});
