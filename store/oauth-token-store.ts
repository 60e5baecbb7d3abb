import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RefreshTokenStore } from '../connectors/auth/refresh-token-store.js';
import type { Database } from './database-schema.js';

/**
 * Rotated OAuth2 refresh tokens in `tributary.oauth_token`, one row per source. The exchange
 * runs inside a transaction holding the row lock:
 *
 * ```sql
 * insert into tributary.oauth_token (...) values (...) on conflict (source) do nothing;
 * select * from tributary.oauth_token where source = $1 for update;
 * -- token request with the current refresh token
 * update tributary.oauth_token set refresh_token = $2, access_token = $3, expires_at = $4 where source = $1;
 * ```
 *
 * A changed initial token in config (a new secret) replaces the stored chain.
 */
export function createPgRefreshTokenStore(db: Kysely<Database>): RefreshTokenStore {
  return {
    async withLock(source, initial, exchange) {
      const initialHash = createHash('sha256').update(initial).digest('hex');
      return db.transaction().execute(async (trx) => {
        await trx
          .insertInto('tributary.oauth_token')
          .values({ source, refresh_token: initial, initial_hash: initialHash, access_token: null, expires_at: null, updated_at: new Date() })
          .onConflict((oc) => oc.column('source').doNothing())
          .execute();
        const row = await trx.selectFrom('tributary.oauth_token').selectAll().where('source', '=', source).forUpdate().executeTakeFirstOrThrow();
        const current =
          row.initial_hash === initialHash
            ? { refreshToken: row.refresh_token, accessToken: row.access_token, expiresAt: row.expires_at ? row.expires_at.getTime() : null }
            : { refreshToken: initial, accessToken: null, expiresAt: null };
        const next = await exchange(current);
        await trx
          .updateTable('tributary.oauth_token')
          .set({
            refresh_token: next.refreshToken,
            initial_hash: initialHash,
            access_token: next.accessToken,
            expires_at: next.expiresAt === null ? null : new Date(next.expiresAt),
            updated_at: new Date(),
          })
          .where('source', '=', source)
          .execute();
        return next;
      });
    },
  };
}
