/** GET /api/products/{id}/similar?k=: products whose main photo looks most like this product's. */
import { getDatabase } from "@/lib/db/client";
import { handleSimilarProducts } from "@/lib/photo-search/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  return handleSimilarProducts(request, id, getDatabase);
}
