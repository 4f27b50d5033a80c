import type { ListOptions } from '../ports.js';
import type { Workload } from './workload.js';

/**
 * Trusted workloads, and the keys of the ID tokens already exchanged (each exchanges once, across
 * every process sharing the database).
 */
export interface WorkloadStore {
  /** Stores a new workload. @throws {@link DuplicateError} when the account has one of that name. */
  insert(workload: Workload): Promise<void>;
  /** The account's workloads, newest first. */
  list(accountId: string, page: ListOptions): Promise<Workload[]>;
  /** The account's workload `id`, if any; another account's id reads as absent. */
  findById(accountId: string, id: string): Promise<Workload | undefined>;
  /** The workload `id` of whichever account, for an exchange or a public lookup. */
  findAnyById(id: string): Promise<Workload | undefined>;
  /** Every account's workloads named `name`. */
  findAllByName(name: string): Promise<Workload[]>;
  /** Deletes the account's workload `id`. @returns whether it existed. */
  delete(accountId: string, id: string): Promise<boolean>;
  /** Sets the workload's `lastExchangedAt`. */
  markExchanged(id: string, at: Date): Promise<void>;
  /**
   * Records that the ID token of `key` was exchanged, kept until `expiresAt`.
   * @returns false when the key is recorded already: that ID token was exchanged before.
   */
  recordExchange(key: string, expiresAt: Date): Promise<boolean>;
  /** Forgets the exchange keys that expired at or before `now`. */
  deleteExpiredExchanges(now: Date): Promise<void>;
}
