import { defineStackPolicy } from "../../lib/define";
import { ledger } from "../../lib/ledger";
import { violated } from "../../lib/outcome";
import { describe } from "../../lib/stackIndex";

export const previewVerificationGaps = defineStackPolicy(
  {
    name: "preview-verification-gaps",
    description:
      "Every control that could not be verified on a resource because a value was unknown during preview must be listed, with the value, so that no gap passes silently.",
    severity: "low",
    area: "coverage",
    nist: ["CA-7"],
    specification: "The organization monitors its controls continuously and knows which ones it has not verified (CA-7).",
    remediationSteps:
      "Nothing is wrong yet: run the pack again when the values are known (pulumi up applies the same policies, and `backup-guardrails audit` checks a stack export), or make the relationship visible at preview by passing the resource's output (key.arn, role.arn) instead of a computed string.",
    remediation: { notFixed: "it lists values unknown at preview; there is nothing to change." },
    url: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
    config: {},
  },
  {
    // Listed last in the pack, so it runs after every other policy has recorded its gaps.
    subjects: ({ index, analysis }) => index.resources.filter((resource) => ledger.gapsFor(analysis, resource.urn).length > 0),
    check(resource, { index, analysis }) {
      const gaps = ledger.gapsFor(analysis, resource.urn);
      const lines = gaps.map((gap) => `- ${gap.policy}: ${gap.reason}.`);
      const count = gaps.length === 1 ? "1 control" : `${gaps.length} controls`;
      return violated(
        `${describe(resource)}: ${count} could not be verified ${index.preview ? "during preview" : "from the stack state"}:\n${lines.join("\n")}`,
      );
    },
  },
);
