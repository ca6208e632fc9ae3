/**
 * Auth.js endpoints under /api/auth: session, csrf, providers, sign-in
 * callback and sign-out. They carry Auth.js's own CSRF token check.
 */
import { handlers } from "@/auth";

export const runtime = "nodejs";

export const { GET, POST } = handlers;
