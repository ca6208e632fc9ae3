const PLACEHOLDER_ORIGIN = "http://return-path.invalid";

/**
 * Keeps a post-sign-in return path on this site. Returns `fallback` unless
 * `value` is a path that resolves to this origin: "//evil.example",
 * "/\\evil.example" and paths with control characters (which browsers strip,
 * turning "/\t/evil.example" into "//evil.example") all fall back.
 */
export function safeReturnPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/")) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;

  const resolved = new URL(value, PLACEHOLDER_ORIGIN);
  if (resolved.origin !== PLACEHOLDER_ORIGIN) return fallback;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
