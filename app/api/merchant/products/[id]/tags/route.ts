/** GET a product's tag review, PUT accepted or corrected tags. Another shop's product is 404. See lib/review/api.ts. */
import { withRole } from "@/lib/auth/api-guard";
import { getTagsHandler, putTagsHandler, REVIEW_ROLES } from "@/lib/review/api";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withRole(REVIEW_ROLES, getTagsHandler);
export const PUT = withRole(REVIEW_ROLES, putTagsHandler);
