/**
 * The Auth.js instance. `auth()` reads the session in server components and
 * server actions, `signIn`/`signOut` run in server actions, and `handlers`
 * serve /api/auth/*. Route handlers read the session with
 * lib/auth/request-session.ts instead (see lib/auth/api-guard.ts).
 *
 * The configuration is built on first use rather than at import, so that
 * `next build` does not create the session secret file.
 */
import NextAuth from "next-auth";

import { buildAuthConfig } from "@/lib/auth/config";

export const { handlers, auth, signIn, signOut } = NextAuth(() => buildAuthConfig());
