// What every module builds on: field types, the site, secret values, argument validation.
export * from "./fields";
export { SecretValue } from "./secret";
export { PROFILES, siteSchema, type Profile, type Site } from "./site";
export { describeIssues, formatKeyPath, parseArgs, type Issue } from "./validation";
