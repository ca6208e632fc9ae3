/**
 * Creates the first administrator: `npm run create-admin -- --email EMAIL
 * [--password-stdin] [--update]`. Run with --help for the full usage.
 *
 * Exit status: 0 on success, 1 when the account could not be created (weak
 * password, existing account, database error), 2 for invalid arguments.
 */
import path from "node:path";

import {
  createAdmin,
  CREATE_ADMIN_USAGE,
  parseCreateAdminArgs,
  stripTrailingNewline,
} from "../lib/auth/create-admin";
import { createDatabase } from "../lib/db/client";
import { readDatabaseConfig, redactUrl } from "../lib/db/config";
import { applyMigrations, migrationsFolder } from "../lib/db/migrate";
import { logger } from "../lib/logger";

const root = path.resolve(import.meta.dirname, "..");

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads one line from the terminal without echoing it. Ctrl-C aborts the command. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    let answer = "";
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding("utf8");

    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.removeListener("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(answer);
    };

    const onData = (text: string) => {
      for (const character of text) {
        if (character === "\r" || character === "\n") return finish();
        if (character === "\u0003") return finish(new Error("Cancelled"));
        if (character === "\u007f" || character === "\b") answer = answer.slice(0, -1);
        else answer += character;
      }
    };
    input.on("data", onData);
  });
}

async function readPassword(fromStdin: boolean): Promise<string | undefined> {
  if (fromStdin) return stripTrailingNewline(await readStdin());

  if (!process.stdin.isTTY) {
    logger.error("standard input is not a terminal: pass --password-stdin and pipe the password in");
    return undefined;
  }
  const password = await promptHidden("Password: ");
  const repeated = await promptHidden("Repeat the password: ");
  if (password !== repeated) {
    logger.error("the two passwords do not match; nothing was changed");
    return undefined;
  }
  return password;
}

async function main(): Promise<number> {
  const parsed = parseCreateAdminArgs(process.argv.slice(2));
  if (parsed.kind === "help") {
    process.stdout.write(`${CREATE_ADMIN_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === "error") {
    process.stderr.write(`${parsed.message}\n\n${CREATE_ADMIN_USAGE}\n`);
    return 2;
  }

  const password = await readPassword(parsed.args.passwordStdin);
  if (password === undefined) return 1;

  const config = readDatabaseConfig();
  await applyMigrations(config, migrationsFolder(root, config.provider));
  const database = createDatabase(config);
  try {
    const result = await createAdmin(database.prisma, {
      email: parsed.args.email,
      password,
      update: parsed.args.update,
    });
    if (!result.ok) {
      logger.error({ email: parsed.args.email }, result.message);
      return 1;
    }
    logger.info(
      { userId: result.userId, email: result.email, database: redactUrl(config.url) },
      result.action === "created" ? "created administrator" : "made the existing account an administrator",
    );
    return 0;
  } finally {
    await database.prisma.$disconnect();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    logger.fatal({ err: error }, error instanceof Error ? error.message : "create-admin failed");
    process.exitCode = 1;
  },
);
