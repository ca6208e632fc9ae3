/**
 * Password hashing with scrypt from node:crypto.
 *
 * Stored hashes use the PHC string format
 * `$scrypt$ln=17,r=8,p=1$<salt>$<key>` (salt and key in unpadded base64), so
 * the cost can be raised later without breaking stored hashes.
 * `passwordNeedsRehash` returns true when a hash should be redone after a
 * successful sign-in.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

export interface ScryptParameters {
  /** log2 of the CPU/memory cost N. */
  logCost: number;
  /** Block size r. */
  blockSize: number;
  /** Parallelisation p. */
  parallelism: number;
}

/**
 * N = 2^17, r = 8, p = 1: the minimum the OWASP Password Storage Cheat Sheet
 * gives for scrypt (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html).
 * Each hash needs 128 * N * r bytes = 128 MiB of memory. Async scrypt runs on
 * libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE sets another size), so
 * concurrent sign-ins peak at about 512 MiB. One `scryptSync` call
 * took about 330 ms on a 2-core development VM with Node 20.20 under other load.
 */
export const DEFAULT_SCRYPT_PARAMETERS: ScryptParameters = { logCost: 17, blockSize: 8, parallelism: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 64;

/** Costs above this are rejected when parsing a stored hash, so a corrupt row cannot exhaust memory. */
const MAX_LOG_COST = 20;

/**
 * Normalises a password before hashing so that the same characters typed on
 * different keyboards (composed or decomposed accents, full-width digits)
 * produce the same hash.
 */
function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

function deriveKey(password: string, salt: Buffer, parameters: ScryptParameters, keyBytes: number): Promise<Buffer> {
  const cost = 2 ** parameters.logCost;
  const options: ScryptOptions = {
    N: cost,
    r: parameters.blockSize,
    p: parameters.parallelism,
    // Node's default limit is 32 MiB, so allow twice what the parameters need.
    maxmem: 2 * 128 * cost * parameters.blockSize,
  };
  return new Promise((resolve, reject) => {
    scrypt(normalizePassword(password), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(
  password: string,
  parameters: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, parameters, KEY_BYTES);
  return formatHash(parameters, salt, key);
}

/**
 * Checks a password against a stored hash, comparing the derived keys in
 * constant time. Returns false for a wrong password and for a stored value
 * that is not a hash in the format above.
 */
export async function verifyPassword(password: string, storedHash: string): Promise<boolean> {
  const parsed = parseHash(storedHash);
  if (!parsed) return false;

  const key = await deriveKey(password, parsed.salt, parsed.parameters, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

export function passwordNeedsRehash(storedHash: string, parameters: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS): boolean {
  const parsed = parseHash(storedHash);
  if (!parsed) return true;
  return (
    parsed.parameters.logCost < parameters.logCost ||
    parsed.parameters.blockSize < parameters.blockSize ||
    parsed.parameters.parallelism < parameters.parallelism ||
    parsed.key.length < KEY_BYTES
  );
}

/**
 * A hash of a random password, computed once. Checking a password against it
 * when the email is unknown makes a failed sign-in take as long as a wrong
 * password, so response times do not reveal which emails have accounts.
 */
let dummyHash: Promise<string> | undefined;

export async function verifyAgainstDummyHash(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(32).toString("base64url"));
  await verifyPassword(password, await dummyHash);
  return false;
}

function formatHash(parameters: ScryptParameters, salt: Buffer, key: Buffer): string {
  const settings = `ln=${parameters.logCost},r=${parameters.blockSize},p=${parameters.parallelism}`;
  return `$scrypt$${settings}$${salt.toString("base64").replace(/=+$/, "")}$${key.toString("base64").replace(/=+$/, "")}`;
}

interface ParsedHash {
  parameters: ScryptParameters;
  salt: Buffer;
  key: Buffer;
}

const HASH_PATTERN = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function parseHash(storedHash: string): ParsedHash | undefined {
  const match = HASH_PATTERN.exec(storedHash);
  if (!match) return undefined;

  const [, logCost, blockSize, parallelism, salt, key] = match;
  const parameters: ScryptParameters = {
    logCost: Number(logCost),
    blockSize: Number(blockSize),
    parallelism: Number(parallelism),
  };
  if (parameters.logCost < 1 || parameters.logCost > MAX_LOG_COST) return undefined;
  if (parameters.blockSize < 1 || parameters.parallelism < 1) return undefined;

  const keyBuffer = Buffer.from(key as string, "base64");
  if (keyBuffer.length < 16) return undefined;
  return { parameters, salt: Buffer.from(salt as string, "base64"), key: keyBuffer };
}
