/**
 * The generated diagrams of docs/architecture.md are the ones the catalogue draws today (run `npx tsx infra/diagrams.ts`
 * after changing the catalogue), and they show what the catalogue holds.
 */
import { readFileSync } from 'node:fs';
import { ARCHITECTURE_DOC, architectureDiagram, generatedDiagrams, streamTopologyDiagram, withDiagrams } from '../../infra/diagrams';
import { FUNCTION_LIST, functionsTriggeredBy } from '../../infra/functions';

describe('diagrams drawn from the catalogue', () => {
  const doc = readFileSync(ARCHITECTURE_DOC, 'utf8');

  it('docs/architecture.md holds the diagrams the catalogue draws (else run npx tsx infra/diagrams.ts)', () => {
    expect(withDiagrams(doc, generatedDiagrams())).toBe(doc);
  });

  it('a catalogue that changed draws a different architecture, so the check above fails', () => {
    const fewer = FUNCTION_LIST.filter((f) => f.name !== 'erase');
    expect(withDiagrams(doc, { ...generatedDiagrams(), architecture: architectureDiagram(fewer) })).not.toBe(doc);
  });

  it('the architecture shows every function and every role that may invoke one', () => {
    const drawn = architectureDiagram();
    for (const f of FUNCTION_LIST) expect(drawn).toContain(`fn_${f.name}["${f.name}"]`);
    for (const f of functionsTriggeredBy('invoke'))
      for (const role of f.trigger.invokers) expect(drawn).toContain(`n_${role} -->|Invoke| fn_${f.name}`);
  });

  it('the stream topology shows every work queue, its worker and its dead-letter queue', () => {
    const drawn = streamTopologyDiagram();
    for (const f of functionsTriggeredBy('queue')) {
      expect(drawn).toContain(`n_${f.trigger.queue.id} -->|"batches of ${f.trigger.queue.batchSize}"| fn_${f.name}`);
      expect(drawn).toContain(`n_${f.trigger.queue.deadLetter.id}`);
    }
  });

  it('refuses a document without the generated block', () => {
    expect(() => withDiagrams('# nothing here\n', generatedDiagrams())).toThrow(/no generated block "architecture"/);
  });
});
