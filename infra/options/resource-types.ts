/**
 * The CloudFormation resource types the landing-zone options add to the template, each with why the local runtime
 * (local/) knows it but does not emulate it. Pure data, for the runtime's list of known types; test/infra/
 * landing-zone.test.ts checks that every type an option adds is listed here.
 */
const NETWORK =
  'VPC placement (courtesy:vpc): locally every handler runs in-process with no network isolation; the security groups, endpoints and routes are checked on the template (test/infra/landing-zone.test.ts, cfn-guard, cdk-nag).';

export const LANDING_ZONE_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'AWS::KMS::Key':
    'Customer-managed key (courtesy:kms): DynamoDB Local and the local queues do not encrypt and check no key permissions; the key policy and grants are checked on the template.',
  'AWS::EC2::VPC': NETWORK,
  'AWS::EC2::Subnet': NETWORK,
  'AWS::EC2::RouteTable': NETWORK,
  'AWS::EC2::SubnetRouteTableAssociation': NETWORK,
  'AWS::EC2::SecurityGroup': NETWORK,
  'AWS::EC2::SecurityGroupIngress': NETWORK,
  'AWS::EC2::VPCEndpoint': NETWORK,
  'AWS::EC2::FlowLog': NETWORK,
};
