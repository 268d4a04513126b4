import { eventSchemas, readSchemaFile } from '../../infra/schemas';
import { DEFAULT_STAGE, stageNames } from '../../infra/names';
import { synthTemplate } from '../../infra/synth';

/** One synthesis (no bundling) for the whole file. */
const resources = Object.values<{ Type: string; Properties: Record<string, any> }>(synthTemplate().Resources);
const ofType = (type: string) => resources.filter((r) => r.Type === type);

describe('the schema registry', () => {
  it("is the stage's one registry", () => {
    const registries = ofType('AWS::EventSchemas::Registry');
    expect(registries.map((r) => r.Properties.RegistryName)).toEqual([stageNames(DEFAULT_STAGE).schemaRegistryName]);
  });

  it('holds one JSONSchemaDraft4 schema per event out and for ComplaintResolved, each the checked-in file', () => {
    const schemas = ofType('AWS::EventSchemas::Schema');
    const byName = new Map(schemas.map((s) => [s.Properties.SchemaName, s.Properties]));
    expect([...byName.keys()].sort()).toEqual(
      eventSchemas()
        .map((e) => e.detailType)
        .sort(),
    );
    for (const e of eventSchemas()) {
      const p = byName.get(e.detailType)!;
      expect(p.Type).toBe('JSONSchemaDraft4');
      expect(p.RegistryName).toEqual({ 'Fn::GetAtt': [expect.any(String), 'RegistryName'] });
      expect(JSON.parse(p.Content)).toEqual(readSchemaFile(e.file));
      expect(p.Description).toMatch(/sha256 [0-9a-f]{12}\)$/);
    }
  });
});
