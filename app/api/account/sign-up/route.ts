/** POST /api/account/sign-up: merchant sign-up for JSON clients (see lib/auth/sign-up-api.ts). */
import { handleSignUpRequest } from "@/lib/auth/sign-up-api";
import { getDatabase } from "@/lib/db/client";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return handleSignUpRequest(request, getDatabase);
}
