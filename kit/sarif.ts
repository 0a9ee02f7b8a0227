/**
 * SARIF 2.1.0 output for code-scanning dashboards (GitHub code scanning, Azure DevOps,
 * SonarQube): one run of the pack, its policies as rules with their metadata, every
 * violation as a result on the resource it concerns. A policy pack judges resources, not
 * lines, so a result's physical location is the program (or stack export) that declares
 * the resource, and its logical location is the resource's URN.
 */
import { createHash } from "crypto";
import type { Log, ReportingDescriptor, Result } from "sarif";
import type { PolicyInfo } from "./engine/analyzer";
import type { AnalysisResult, Diagnostic } from "./engine/run";

const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** Mandatory stops a deployment (an error); advisory warns; anything else is a note. */
function level(enforcementLevel: string): Result.level {
  return enforcementLevel === "mandatory" || enforcementLevel === "remediate"
    ? "error"
    : enforcementLevel === "advisory"
      ? "warning"
      : "note";
}

/** GitHub ranks security results by this score (critical ≥ 9, high ≥ 7, medium ≥ 4). */
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

function rule(policy: PolicyInfo): ReportingDescriptor {
  return {
    id: policy.name,
    name: policy.name,
    shortDescription: { text: policy.description },
    fullDescription: { text: policy.framework ? `${policy.description} ${policy.framework.specification}` : policy.description },
    help: { text: policy.remediationSteps || policy.description },
    ...(policy.url && { helpUri: policy.url }),
    defaultConfiguration: { level: level(policy.enforcementLevel), enabled: policy.enforcementLevel !== "disabled" },
    properties: {
      tags: [
        "security",
        ...(policy.framework ? policy.framework.reference.split(", ").map((id) => `NIST-800-53:${id}`) : []),
        ...policy.tags,
      ],
      ...(SECURITY_SEVERITY[policy.severity] && { "security-severity": SECURITY_SEVERITY[policy.severity] }),
      precision: "high",
    },
  };
}

/** The resource's logical name and type from its URN, as `pulumi preview` labels it. */
function resourceOf(urn: string): { name: string; type: string } {
  const parts = urn.split("::");
  return { type: (parts[2] ?? "").split("$").pop() ?? "", name: parts.slice(3).join("::") };
}

function result(diagnostic: Diagnostic, ruleIndex: number, artifactUri: string): Result {
  const { name, type } = resourceOf(diagnostic.urn);
  return {
    ruleId: diagnostic.policy,
    ...(ruleIndex >= 0 && { ruleIndex }),
    level: level(diagnostic.enforcementLevel),
    message: { text: diagnostic.message },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: artifactUri } },
        logicalLocations: [{ name, fullyQualifiedName: diagnostic.urn, kind: "resource", ...(type && { decoratedName: type }) }],
      },
    ],
    // Stable across runs, so a dashboard tracks one finding on one resource over time.
    partialFingerprints: { "policyResource/v1": createHash("sha256").update(`${diagnostic.policy}\0${diagnostic.urn}`).digest("hex") },
    properties: { enforcementLevel: diagnostic.enforcementLevel, severity: diagnostic.severity, urn: diagnostic.urn },
  };
}

/**
 * The SARIF log of one analysis. `artifactUri` is the program directory's entry file or
 * the stack export, relative to the repository root a dashboard resolves it against.
 */
export function toSarif(analysis: AnalysisResult, artifactUri: string): Log {
  const rules = analysis.info.policies.map(rule);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: analysis.pack.name,
            version: analysis.pack.version,
            semanticVersion: analysis.pack.version,
            informationUri: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
            rules,
          },
        },
        artifacts: [{ location: { uri: artifactUri } }],
        results: analysis.diagnostics.map((d) => result(d, ruleIndex.get(d.policy) ?? -1, artifactUri)),
        properties: { failed: analysis.failed },
      },
    ],
  };
}
