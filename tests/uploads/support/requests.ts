/** Builds multipart upload requests as a browser on one of our pages sends them. */
export const ORIGIN = "http://127.0.0.1:3000";

export interface UploadFile {
  name: string;
  data: Buffer | string;
  type?: string;
}

export interface UploadRequestInit {
  cookie?: string;
  catalogue?: UploadFile | null;
  images?: readonly UploadFile[];
  headers?: Record<string, string>;
  /** Extra form parts, field name -> file. */
  extra?: readonly [string, UploadFile][];
}

export function uploadRequest(init: UploadRequestInit = {}): Request {
  const form = new FormData();
  const toFile = (file: UploadFile) =>
    new File([typeof file.data === "string" ? file.data : new Uint8Array(file.data)], file.name, {
      type: file.type ?? "application/octet-stream",
    });
  if (init.catalogue !== null) form.append("catalogue", toFile(init.catalogue ?? { name: "catalogue.csv", data: "sku,title\n" }));
  for (const image of init.images ?? []) form.append("images", toFile(image), image.name);
  for (const [field, file] of init.extra ?? []) form.append(field, toFile(file), file.name);

  const headers: Record<string, string> = { host: "127.0.0.1:3000", origin: ORIGIN, ...init.headers };
  if (init.cookie) headers.cookie = init.cookie;
  return new Request(`${ORIGIN}/api/merchant/uploads`, { method: "POST", headers, body: form });
}

export function getRequest(path: string, cookie?: string, method = "GET"): Request {
  const headers: Record<string, string> = { host: "127.0.0.1:3000" };
  if (cookie) headers.cookie = cookie;
  if (method !== "GET") headers.origin = ORIGIN;
  return new Request(`${ORIGIN}${path}`, { method, headers });
}

export function jsonRequest(path: string, method: string, body: unknown, cookie?: string): Request {
  const headers: Record<string, string> = { host: "127.0.0.1:3000", origin: ORIGIN, "content-type": "application/json" };
  if (cookie) headers.cookie = cookie;
  return new Request(`${ORIGIN}${path}`, { method, headers, body: JSON.stringify(body) });
}
