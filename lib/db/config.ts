import path from "node:path";

export type DatabaseProvider = "sqlite" | "postgresql";

export interface DatabaseConfig {
  provider: DatabaseProvider;
  url: string;
  /** Absolute path of the SQLite file; undefined for PostgreSQL. */
  sqlitePath?: string;
}

export const DEFAULT_DATABASE_URL = "file:./data/stylelens.db";

/**
 * Reads DATABASE_URL. A `file:` URL selects SQLite (relative paths resolve
 * against the working directory), a `postgres://` or `postgresql://` URL
 * selects PostgreSQL.
 */
export function readDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;

  if (url.startsWith("file:")) {
    const filePath = url.slice("file:".length);
    if (filePath.length === 0) {
      throw new Error(`Invalid DATABASE_URL "${url}": a file: URL needs a path, for example ${DEFAULT_DATABASE_URL}`);
    }
    return { provider: "sqlite", url, sqlitePath: path.resolve(filePath) };
  }

  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    return { provider: "postgresql", url };
  }

  throw new Error(
    `Invalid DATABASE_URL "${redactUrl(url)}": use file:PATH for SQLite or postgresql://USER:PASSWORD@HOST:PORT/DB for PostgreSQL`,
  );
}

/** Hides the password of a connection URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
