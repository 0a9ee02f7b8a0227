/**
 * The libraries the pack loads on first use rather than at start-up: the CLI boots the
 * pack for every preview and update, and a stack without IAM documents or backup
 * schedules never needs the IAM or cron libraries (together most of the pack's own
 * start-up). Their types are imported as types only; nothing here runs until asked.
 */
import type * as IamExpand from "@cloud-copilot/iam-expand";
import type * as IamSimulate from "@cloud-copilot/iam-simulate";
import type AwsCronParser from "aws-cron-parser";

/** A module required once, on the first call. */
function onFirstUse<T>(load: () => T): () => T {
  let module: T | undefined;
  return () => (module ??= load());
}

/** `@cloud-copilot/iam-expand`: action wildcards. */
export const iamExpand = onFirstUse(() => require("@cloud-copilot/iam-expand") as typeof IamExpand);

/** `@cloud-copilot/iam-simulate`: request evaluation. */
export const iamSimulate = onFirstUse(() => require("@cloud-copilot/iam-simulate") as typeof IamSimulate);

/** `aws-cron-parser`: AWS `cron()` expressions. */
export const awsCronParser = onFirstUse(() => require("aws-cron-parser") as typeof AwsCronParser);
