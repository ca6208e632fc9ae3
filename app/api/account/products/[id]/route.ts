/**
 * GET, PATCH and DELETE /api/account/products/{id} for the product's merchant
 * or an admin. Anyone else gets 404.
 */
import {
  deleteProductHandler,
  getProductHandler,
  MERCHANT_API_ROLES,
  updateProductHandler,
} from "@/lib/auth/account-api";
import { withRole } from "@/lib/auth/api-guard";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withRole(MERCHANT_API_ROLES, getProductHandler);
export const PATCH = withRole(MERCHANT_API_ROLES, updateProductHandler);
export const DELETE = withRole(MERCHANT_API_ROLES, deleteProductHandler);
