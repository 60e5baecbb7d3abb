/** Parts of a PostgreSQL connection URL this layer builds. */
export interface PostgresUrlParts {
  user: string;
  password?: string;
  host: string;
  port: number;
  database: string;
}

/** Build `postgres://user:password@host:port/database`, escaping each part. */
export function postgresUrl(parts: PostgresUrlParts): string {
  const auth = parts.password === undefined ? encodeURIComponent(parts.user) : `${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}`;
  return `postgres://${auth}@${parts.host}:${parts.port}/${encodeURIComponent(parts.database)}`;
}

/** Same server and credentials as `url`, different database. Query options are kept. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Database name a URL points at, or undefined when it names none. */
export function databaseOf(url: string): string | undefined {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return name === '' ? undefined : name;
}

/** `url` with the password masked, safe for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable database URL>';
  }
}
