import { ConfigError, loadDatabaseConfig } from '../src/config';

/**
 * The database settings of a command-line script (db-transfer, insight): the server's own defaults, no secrets
 * needed. A bad value prints the message naming the variable and exits 2, as the server does at start.
 */
export function databaseConfigOrExit(): ReturnType<typeof loadDatabaseConfig> {
  try {
    return loadDatabaseConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}
