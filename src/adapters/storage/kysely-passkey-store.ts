import type { Kysely } from 'kysely';
import type { Passkey, WebAuthnChallenge, WebAuthnChallengeBinding } from '../../core/model.js';
import { DuplicateError, type PasskeyStore } from '../../core/ports.js';
import { isUniqueViolation } from './database.js';
import { type PasskeysTable, type Schema, toDate, toDateOrNull } from './schema.js';

function toPasskey(row: PasskeysTable): Passkey {
  return {
    id: row.id,
    accountId: row.account_id,
    credentialId: row.credential_id,
    publicKey: new Uint8Array(Buffer.from(row.public_key, 'base64url')),
    signCount: Number(row.sign_count),
    transports: JSON.parse(row.transports) as string[],
    name: row.name,
    createdAt: toDate(row.created_at),
    lastUsedAt: toDateOrNull(row.last_used_at),
  };
}

/** {@link PasskeyStore} on Kysely. */
export class KyselyPasskeyStore implements PasskeyStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async listByAccount(accountId: string): Promise<Passkey[]> {
    const rows = await this.db
      .selectFrom('passkeys')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toPasskey);
  }

  async countByAccount(accountId: string): Promise<number> {
    const row = await this.db
      .selectFrom('passkeys')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async findByCredentialId(accountId: string, credentialId: string): Promise<Passkey | undefined> {
    const row = await this.db
      .selectFrom('passkeys')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('credential_id', '=', credentialId)
      .executeTakeFirst();
    return row === undefined ? undefined : toPasskey(row);
  }

  async insert(passkey: Passkey): Promise<void> {
    try {
      await this.db
        .insertInto('passkeys')
        .values({
          id: passkey.id,
          account_id: passkey.accountId,
          credential_id: passkey.credentialId,
          public_key: Buffer.from(passkey.publicKey).toString('base64url'),
          sign_count: passkey.signCount,
          transports: JSON.stringify(passkey.transports),
          name: passkey.name,
          created_at: passkey.createdAt.toISOString(),
          last_used_at: null,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateError('passkeys.credential_id');
      throw error;
    }
  }

  async recordUse(id: string, signCount: number, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('passkeys')
      .set({ sign_count: signCount, last_used_at: at.toISOString() })
      .where('id', '=', id)
      // WebAuthn §7.2 step 22: a counter that does not move forward may be a cloned authenticator.
      .where((eb) => (signCount === 0 ? eb('sign_count', '=', 0) : eb('sign_count', '<', signCount)))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(accountId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('passkeys')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async deleteAll(accountId: string): Promise<void> {
    await this.db.deleteFrom('passkeys').where('account_id', '=', accountId).execute();
  }

  async putChallenge(challenge: WebAuthnChallenge): Promise<void> {
    await this.db
      .deleteFrom('webauthn_challenges')
      .where('expires_at', '<', challenge.createdAt.toISOString())
      .execute();
    await this.db
      .insertInto('webauthn_challenges')
      .values({
        challenge_hash: challenge.challengeHash,
        purpose: challenge.purpose,
        account_id: challenge.accountId,
        session_id: challenge.sessionId,
        created_at: challenge.createdAt.toISOString(),
        expires_at: challenge.expiresAt.toISOString(),
      })
      .execute();
  }

  async consumeChallenge(
    challengeHash: string,
    binding: WebAuthnChallengeBinding,
    now: Date,
  ): Promise<boolean> {
    const result = await this.db
      .deleteFrom('webauthn_challenges')
      .where('challenge_hash', '=', challengeHash)
      .where('purpose', '=', binding.purpose)
      .where('account_id', '=', binding.accountId)
      .where((eb) =>
        binding.sessionId === null ? eb('session_id', 'is', null) : eb('session_id', '=', binding.sessionId),
      )
      .where('expires_at', '>', now.toISOString())
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
