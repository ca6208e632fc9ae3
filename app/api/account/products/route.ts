/** GET /api/account/products: the signed-in merchant's products (all shops for an admin). */
import { listProductsHandler, MERCHANT_API_ROLES } from "@/lib/auth/account-api";
import { withRole } from "@/lib/auth/api-guard";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withRole(MERCHANT_API_ROLES, listProductsHandler);
