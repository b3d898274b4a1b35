import { Knex } from 'knex';

declare const storeTransaction: unique symbol;

/**
 * A database transaction one store opened that the reads and writes of
 * another store join: billing reads the usage ledger and writes invoices in
 * one transaction, under one lock. Opaque above the stores; only a store
 * knows it is a Knex transaction.
 */
export type StoreTransaction = { readonly [storeTransaction]: true };

/** The store's side of a transaction it opened. */
export function asStoreTransaction(trx: Knex.Transaction): StoreTransaction {
  return trx as unknown as StoreTransaction;
}

/** Where a store reads and writes: inside `tx` when given, else on `db`. */
export function knexIn(db: Knex, tx?: StoreTransaction): Knex {
  return tx ? (tx as unknown as Knex.Transaction) : db;
}
