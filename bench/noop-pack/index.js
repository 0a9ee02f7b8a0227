// The benchmark's floor: what any pack of our pack's shape costs before its policies do
// anything. NOOP_RESOURCE_POLICIES, NOOP_STACK_POLICIES, NOOP_BOTH_POLICIES and
// NOOP_REMEDIATING_POLICIES (stack policies that also remediate) give how many no-op
// policies of each kind it has (the bench counts them from our policy list),
// since @pulumi/policy deserialises every resource once per resource policy in Analyze
// and the whole stack once per stack policy in AnalyzeStack.
const { PolicyPack } = require("@pulumi/policy");

const count = (name) => Number(process.env[name] || 0);
const noop = () => undefined;
const policy = (kind, i, hooks) => ({ name: `noop-${kind}-${i}`, description: "Does nothing.", enforcementLevel: "advisory", ...hooks });
const times = (n, make) => Array.from({ length: n }, (_, i) => make(i));

new PolicyPack("noop", {
  policies: [
    ...times(count("NOOP_RESOURCE_POLICIES"), (i) => policy("resource", i, { validateResource: noop })),
    ...times(count("NOOP_STACK_POLICIES"), (i) => policy("stack", i, { validateStack: noop })),
    ...times(count("NOOP_BOTH_POLICIES"), (i) => policy("both", i, { validateResource: noop, validateStack: noop })),
    ...times(count("NOOP_REMEDIATING_POLICIES"), (i) => policy("remediating", i, { remediateResource: noop, validateStack: noop })),
  ],
});
