/** Amazon Resource Names: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

export function parseArn(value: string): Arn | undefined {
  const parts = value.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || !parts[1]?.startsWith("aws")) return undefined;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  return { partition, service, region, account, resource: parts.slice(5).join(":") };
}

/** An ARN pattern of a selection (`arn:*:rds:*:*:db:prod-*`): as `parseArn`, but any segment, the partition too, may hold a wildcard. */
export function parseArnPattern(value: string): Arn | undefined {
  const parts = value.split(":");
  if (parts.length < 6 || parts[0] !== "arn" || !(parts[1]?.startsWith("aws") || parts[1]?.includes("*"))) return undefined;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  return { partition, service, region, account, resource: parts.slice(5).join(":") };
}

/**
 * The partition of a region, as AWS names it in ARNs: the China regions are `aws-cn`,
 * GovCloud `aws-us-gov`, the ISO regions `aws-iso`, `aws-iso-b`, `aws-iso-e` and
 * `aws-iso-f`, the European Sovereign Cloud `aws-eusc`, and every other region `aws`.
 * Every ARN this pack builds takes its partition from here, so a stack in a China or
 * GovCloud region matches its own resources.
 */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("eu-isoe-")) return "aws-iso-e";
  if (region.startsWith("us-isof-")) return "aws-iso-f";
  if (region.startsWith("eusc-")) return "aws-eusc";
  return "aws";
}

/** Formats an ARN whose partition follows from its region (`regionOfPartition` for global services, whose ARNs carry no region). */
export function formatArn(parts: Omit<Arn, "partition"> & { readonly regionOfPartition?: string }): string {
  const partition = partitionOf(parts.regionOfPartition ?? parts.region);
  return `arn:${partition}:${parts.service}:${parts.region}:${parts.account}:${parts.resource}`;
}
