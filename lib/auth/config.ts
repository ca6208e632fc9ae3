/**
 * Auth.js configuration: email and password through the Credentials provider,
 * sessions as encrypted JWT cookies.
 *
 * No database adapter is configured. Auth.js requires JWT sessions with the
 * Credentials provider, and on that path it calls no adapter method: users
 * come from `authorize`, sessions live in the cookie. The schema keeps
 * Account, Session and VerificationToken in the @auth/prisma-adapter layout so
 * that adding an OAuth or email provider later only needs
 * `adapter: PrismaAdapter(prisma)` here.
 *
 * Environment:
 * - AUTH_SECRET: see lib/auth/secret.ts (generated into the data folder when unset).
 * - AUTH_URL: the public URL, only needed when the Host header the server
 *   receives differs from the address browsers use and no proxy sets
 *   X-Forwarded-Host.
 */
import type { NextAuthConfig } from "next-auth";
import { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";

import { getDatabase } from "../db/client";
import { logger } from "../logger";
import { verifyCredentials } from "./credentials";
import { authSecret } from "./secret";
import { loadSessionUser } from "./session-user";
import { clientAddress } from "./throttle";

/**
 * Seven days, renewed whenever the session is read. Shorter than Auth.js's
 * 30-day default because these accounts can change a shop's catalogue.
 */
export const SESSION_MAX_AGE_S = 7 * 24 * 60 * 60;

export const SIGN_IN_PATH = "/sign-in";

/** A wrong email or password; Auth.js adds `code` to the error page URL. */
export class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}

/** Too many sign-in attempts; `retryAfterMs` is how long until the next one is allowed. */
export class RateLimitedSignIn extends CredentialsSignin {
  code = "rate_limited";
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number) {
    super("Too many sign-in attempts");
    this.retryAfterMs = retryAfterMs;
  }
}

export function buildAuthConfig(): NextAuthConfig {
  return {
    secret: authSecret(),
    // The server listens on 127.0.0.1 by default, or behind a reverse proxy
    // that sets Host, so Auth.js may build its URLs from the Host header.
    trustHost: true,
    basePath: "/api/auth",
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    // Auth.js sends sign-in failures from its own routes to this page with
    // ?error=CredentialsSignin&code=..., which the page turns into a message.
    pages: { signIn: SIGN_IN_PATH, error: SIGN_IN_PATH },
    providers: [
      Credentials({
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials, request) {
          const result = await verifyCredentials(getDatabase().prisma, credentials, clientAddress(request.headers));
          if (result.ok) return result.user;
          if (result.reason === "rate_limited") throw new RateLimitedSignIn(result.retryAfterMs);
          throw new InvalidCredentials();
        },
      }),
    ],
    callbacks: {
      // Runs at sign-in (with `user`) and on every session read. Reloading the
      // user each time makes a role change or a deleted account take effect on
      // the next request. Returning null ends the session.
      async jwt({ token, user }) {
        const userId = user?.id ?? token.sub;
        if (typeof userId !== "string") return null;

        const current = await loadSessionUser(getDatabase().prisma, userId);
        if (!current) return null;
        return {
          ...token,
          sub: current.id,
          email: current.email,
          name: current.name,
          role: current.role,
          merchantId: current.merchantId,
        };
      },
      session({ session, token }) {
        return {
          ...session,
          user: {
            ...session.user,
            id: token.sub as string,
            role: token.role,
            merchantId: token.merchantId,
          },
        };
      },
    },
    logger: {
      error(error) {
        // Failed sign-ins are expected and already logged by verifyCredentials.
        if (error instanceof CredentialsSignin) return;
        logger.error({ err: error }, `Auth.js: ${error.message}`);
      },
      warn(code) {
        logger.warn({ code }, `Auth.js warning ${code}`);
      },
      debug(message, metadata) {
        logger.debug({ metadata }, `Auth.js: ${message}`);
      },
    },
  };
}
