/** The evidence report of `backup-guardrails report`: its facts (`buildReport`, the JSON shape) and its Markdown. */
export * from "./evidence";
export { reportMarkdown } from "./markdown";
