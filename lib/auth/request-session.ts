/**
 * Reads the signed-in user from a route handler's Request. Route handlers use
 * this instead of Auth.js's `auth()`, which reads the request from Next.js's
 * request context: taking the Request explicitly lets tests call a handler
 * with a crafted Request and a real session cookie.
 */
import { getToken } from "next-auth/jwt";

import { authSecret } from "./secret";
import { loadSessionUser, type SessionUser, type SessionUserDb } from "./session-user";

/**
 * Decrypts the Auth.js session cookie and loads the user it names. Returns
 * undefined when there is no valid, unexpired session or the user may no
 * longer hold one.
 *
 * Auth.js names the cookie "__Secure-authjs.session-token" on HTTPS and
 * "authjs.session-token" otherwise. Both are tried because behind a proxy the
 * request URL may not show the scheme the browser used. Trying both is safe:
 * each cookie is encrypted with AUTH_SECRET and the cookie name as salt, so
 * neither can be forged.
 */
export async function readRequestUser(request: Request, db: SessionUserDb): Promise<SessionUser | undefined> {
  const secret = authSecret();
  for (const secureCookie of [true, false]) {
    const token = await getToken({ req: request, secret, secureCookie });
    if (token && typeof token.sub === "string") return loadSessionUser(db, token.sub);
  }
  return undefined;
}
