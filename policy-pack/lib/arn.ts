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
