import type { Kysely } from 'kysely';
import type { TotpFactor } from '../../core/model.js';
import { DuplicateError, type TwoFactorStore } from '../../core/ports.js';
import { isUniqueViolation } from './database.js';
import { type Schema, toDate, toDateOrNull } from './schema.js';

/** {@link TwoFactorStore} on Kysely. */
export class KyselyTwoFactorStore implements TwoFactorStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async findTotp(accountId: string): Promise<TotpFactor | undefined> {
    const row = await this.db
      .selectFrom('totp_factors')
      .selectAll()
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      accountId: row.account_id,
      sealedSecret: row.secret_sealed,
      createdAt: toDate(row.created_at),
      confirmedAt: toDateOrNull(row.confirmed_at),
      lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
    };
  }

  async putPendingTotp(factor: TotpFactor): Promise<void> {
    await this.db
      .deleteFrom('totp_factors')
      .where('account_id', '=', factor.accountId)
      .where('confirmed_at', 'is', null)
      .execute();
    try {
      await this.db
        .insertInto('totp_factors')
        .values({
          account_id: factor.accountId,
          secret_sealed: factor.sealedSecret,
          created_at: factor.createdAt.toISOString(),
          confirmed_at: null,
          last_used_step: null,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateError('totp_factors.account_id');
      throw error;
    }
  }

  async confirmTotp(accountId: string, at: Date, step: number): Promise<boolean> {
    const result = await this.db
      .updateTable('totp_factors')
      .set({ confirmed_at: at.toISOString(), created_at: at.toISOString(), last_used_step: step })
      .where('account_id', '=', accountId)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async useTotpStep(accountId: string, step: number): Promise<boolean> {
    const result = await this.db
      .updateTable('totp_factors')
      .set({ last_used_step: step })
      .where('account_id', '=', accountId)
      .where('confirmed_at', 'is not', null)
      .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async deleteTotp(accountId: string): Promise<void> {
    await this.db.deleteFrom('totp_factors').where('account_id', '=', accountId).execute();
  }

  async replaceRecoveryCodes(accountId: string, codeHashes: readonly string[], at: Date): Promise<void> {
    await this.deleteRecoveryCodes(accountId);
    if (codeHashes.length === 0) return;
    await this.db
      .insertInto('recovery_codes')
      .values(
        codeHashes.map((codeHash) => ({
          account_id: accountId,
          code_hash: codeHash,
          created_at: at.toISOString(),
          used_at: null,
        })),
      )
      .execute();
  }

  async useRecoveryCode(accountId: string, codeHash: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: at.toISOString() })
      .where('account_id', '=', accountId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async countUnusedRecoveryCodes(accountId: string): Promise<number> {
    const row = await this.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
      .where('account_id', '=', accountId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async deleteRecoveryCodes(accountId: string): Promise<void> {
    await this.db.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
  }
}
