/**
 * The `courtesy:vpc` option: where the functions' network interfaces go. `new` builds a VPC of private isolated subnets
 * (no internet route, no NAT) with flow logs and exactly the VPC endpoints the catalogue's functions call (DynamoDB
 * through a gateway endpoint limited to the service's table; an interface endpoint per other AWS API); an existing VPC
 * is used as given. Either way the functions get one security group of their own: no inbound rule, HTTPS out only.
 */
import { Annotations, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../functions';
import type { LogRetentionDays, VpcSetting } from './settings';

/** What a function needs to be placed in the VPC. */
export interface FunctionPlacement {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups: readonly ec2.ISecurityGroup[];
}

/**
 * The interface endpoint for the AWS API behind each IAM action prefix a function may use (besides DynamoDB, which
 * has a gateway endpoint). SES v2 (SendEmail) is the `email` API endpoint, not `email-smtp`. CloudWatch Logs needs
 * none: the Lambda service, not the function's network interface, delivers its logs (and Powertools' metrics are log
 * lines). A permission on a service not listed here fails synthesis: decide its endpoint first.
 */
export const INTERFACE_ENDPOINT_BY_ACTION_PREFIX: Readonly<
  Record<string, { readonly id: string; readonly service: ec2.InterfaceVpcEndpointAwsService }>
> = {
  ses: { id: 'SesV2Endpoint', service: ec2.InterfaceVpcEndpointAwsService.EMAIL },
  events: { id: 'EventBridgeEndpoint', service: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE },
  sqs: { id: 'SqsEndpoint', service: ec2.InterfaceVpcEndpointAwsService.SQS },
  xray: { id: 'XRayEndpoint', service: ec2.InterfaceVpcEndpointAwsService.XRAY },
};

/** Active tracing: every function's X-Ray daemon sends segments through the function's network interface. */
const TRACING_PREFIX = 'xray';

/** The interface endpoints `functions` need: one per API prefix of their permissions, plus X-Ray. Sorted by id. */
export function interfaceEndpointsFor(
  functions: readonly FunctionSpec[],
): { readonly id: string; readonly service: ec2.InterfaceVpcEndpointAwsService }[] {
  const prefixes = new Set<string>([TRACING_PREFIX]);
  for (const f of functions) for (const p of f.permissions) for (const a of p.actions) prefixes.add(a.split(':')[0]!);
  return [...prefixes]
    .map((prefix) => {
      const endpoint = INTERFACE_ENDPOINT_BY_ACTION_PREFIX[prefix];
      if (!endpoint) throw new Error(`a function calls "${prefix}" but infra/options/network.ts names no VPC endpoint for it`);
      return endpoint;
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The new VPC's address range: one /16, not routed to anything, so it cannot collide with a peered network. */
const NEW_VPC_CIDR = '10.0.0.0/16';
const NEW_VPC_AZS = 2;

export interface ServiceNetworkProps {
  readonly setting: Exclude<VpcSetting, { placement: 'none' }>;
  readonly functions: readonly FunctionSpec[];
  /** The only table the DynamoDB gateway endpoint lets requests reach (new VPC). */
  readonly tableArn: string;
  /** Retention of the flow-log log group (new VPC). */
  readonly logRetentionDays: LogRetentionDays;
  /** Encrypts the flow-log log group when the customer-managed key option is on. */
  readonly encryptionKey?: kms.IKey;
  /** Removal policy of the flow-log log group: the stack's, as for the functions' log groups. */
  readonly logRemovalPolicy: RemovalPolicy;
}

export class ServiceNetwork extends Construct {
  readonly placement: FunctionPlacement;

  constructor(scope: Construct, id: string, props: ServiceNetworkProps) {
    super(scope, id);
    const { setting } = props;
    const created = setting.placement === 'new-vpc' ? this.newVpc(props) : undefined;
    // An existing VPC is only referenced: its subnets are selected by id, its AZs are never read.
    const vpc =
      created ??
      ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: (setting as { vpcId: string }).vpcId,
        availabilityZones: Stack.of(this).availabilityZones,
      });
    const vpcSubnets: ec2.SubnetSelection =
      setting.placement === 'new-vpc'
        ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }
        : { subnets: setting.subnetIds.map((s) => this.existingSubnet(s)) };

    // HTTPS out only. Its destination cannot be narrowed to DynamoDB in the template (the gateway endpoint's prefix
    // list id differs per region and is no attribute of the endpoint); the new VPC's route tables reach nothing but
    // the VPC and DynamoDB, and the endpoints' own policy and security group narrow it further.
    const functionsSg = new ec2.SecurityGroup(this, 'FunctionsSecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: 'Courtesy-credits functions: no inbound, HTTPS out to AWS APIs only',
    });
    functionsSg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs (VPC endpoints, DynamoDB gateway)');

    if (created) this.addEndpoints(created, vpcSubnets, functionsSg, props);
    this.placement = { vpc, vpcSubnets, securityGroups: [functionsSg] };
  }

  /** A subnet of the existing VPC, by id: only its id goes into the functions' VpcConfig. */
  private existingSubnet(subnetId: string): ec2.ISubnet {
    const subnet = ec2.Subnet.fromSubnetId(this, subnetId, subnetId);
    Annotations.of(subnet).acknowledgeWarning(
      '@aws-cdk/aws-ec2:noSubnetRouteTableId',
      "The stack adds no route or endpoint to an existing VPC, so it never reads the subnet's route table.",
    );
    return subnet;
  }

  private newVpc(props: ServiceNetworkProps): ec2.Vpc {
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.logRetentionDays as number as logs.RetentionDays,
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
      removalPolicy: props.logRemovalPolicy,
    });
    return new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(NEW_VPC_CIDR),
      maxAzs: NEW_VPC_AZS,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Functions', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }],
      // Nothing uses the default security group. Restricting it needs a custom-resource Lambda function outside the
      // VPC (breaking ct-lambda-pr-3 itself); functions and endpoints have their own groups.
      restrictDefaultSecurityGroup: false,
      flowLogs: {
        All: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL },
      },
    });
  }

  private addEndpoints(vpc: ec2.Vpc, subnets: ec2.SubnetSelection, functionsSg: ec2.SecurityGroup, props: ServiceNetworkProps): void {
    const dynamo = vpc.addGatewayEndpoint('DynamoDbEndpoint', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [subnets] });
    // Only the service's table, only the actions the catalogue grants on it.
    const tableActions = [...new Set(props.functions.flatMap((f) => f.tableActions))].sort();
    dynamo.addToPolicy(
      new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: tableActions, resources: [props.tableArn] }),
    );

    const endpointsSg = new ec2.SecurityGroup(this, 'EndpointsSecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: 'Courtesy-credits VPC interface endpoints: HTTPS in from the functions only',
    });
    endpointsSg.addIngressRule(functionsSg, ec2.Port.tcp(443), 'HTTPS from the courtesy-credits functions');
    for (const { id, service } of interfaceEndpointsFor(props.functions)) {
      vpc.addInterfaceEndpoint(id, { service, subnets, securityGroups: [endpointsSg], privateDnsEnabled: true, open: false });
    }
  }
}

/**
 * What a function's role needs to run in a VPC (the actions of AWSLambdaVPCAccessExecutionRole, without its log
 * permissions on every log group). EC2 offers no resource-level permission Lambda's checks accept for these.
 */
export const VPC_ACCESS_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
] as const;
