/**
 * The stage's EventBridge schema registry: one JSONSchemaDraft4 schema per event the service publishes and one for
 * ComplaintResolved, named by detail-type, with the content of the checked-in file in schemas/ (generated from
 * lambdas/contracts by `npm run schemas`). A changed contract changes the content, and the registry keeps it as the
 * schema's next version; the description names the content's digest. Consumers download code bindings from it.
 */
import { createHash } from 'node:crypto';
import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';
import { eventSchemas, readSchemaFile } from '../schemas';

export interface EventSchemasProps {
  readonly registryName: string;
}

export class EventSchemas extends Construct {
  readonly registryName: string;
  /** The schema resources by detail-type. */
  readonly schemas: Readonly<Record<string, eventschemas.CfnSchema>>;

  constructor(scope: Construct, id: string, props: EventSchemasProps) {
    super(scope, id);
    const registry = new eventschemas.CfnRegistry(this, 'Registry', {
      registryName: props.registryName,
      description: 'Courtesy credits: the events it publishes and ComplaintResolved, which it consumes (generated from its contracts)',
    });
    this.registryName = registry.attrRegistryName;
    const schemas: Record<string, eventschemas.CfnSchema> = {};
    for (const e of eventSchemas()) {
      const content = JSON.stringify(readSchemaFile(e.file));
      const digest = createHash('sha256').update(content).digest('hex').slice(0, 12);
      schemas[e.detailType] = new eventschemas.CfnSchema(this, e.detailType, {
        registryName: registry.attrRegistryName,
        schemaName: e.detailType,
        type: 'JSONSchemaDraft4',
        content,
        description: `${e.direction === 'out' ? 'Published' : 'Consumed'}: ${e.detailType} (schemas/${e.file}, sha256 ${digest})`,
      });
    }
    this.schemas = schemas;
  }
}
