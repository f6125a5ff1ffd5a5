import type { Knex } from 'knex'
import { SQLITE_TYPES, primaryKeyName, type ColumnDef, type TableDef } from './table-schema.js'

/**
 * Creates the tables of a schema through knex's schema builder, with their primary keys and indexes.
 * Portable types map to `varchar(length)`, `integer`, `decimal(18,4)`, `date` and a timestamp with 6
 * fractional digits and no time zone (`timestamp(6)` on PostgreSQL, `datetime(6)` on MariaDB/MySQL).
 *
 * Two targets need a word of their own, and this fixture builder is the one place outside the source
 * dialects that says so: SQLite gets the same declared types as the fast path (`SQLITE_TYPES`, so
 * decimals stay exact text), and MySQL/MariaDB tables are `utf8mb4` with a binary collation, so
 * non-ASCII names survive and text compares byte for byte as it does elsewhere.
 *
 * ```ts
 * await createTables(knex, DEMO_SCHEMA)
 * ```
 */
export async function createTables(knex: Knex, tables: readonly TableDef[]): Promise<void> {
  const dialect = knex.client.dialect as string
  for (const table of tables) {
    await knex.schema.createTable(table.name, (builder) => {
      if (dialect === 'mysql') {
        builder.charset('utf8mb4')
        builder.collate('utf8mb4_bin')
      }
      for (const column of table.columns) {
        const created =
          dialect === 'sqlite3'
            ? builder.specificType(column.name, SQLITE_TYPES[column.type])
            : addColumn(builder, column)
        if (column.nullable) created.nullable()
        else created.notNullable()
      }
      // The string form on purpose: knex 3.3's SQLite compiler writes the options form as
      // "constraint `x` as `constraintName`", a syntax error.
      builder.primary([...table.primaryKey], primaryKeyName(table))
      for (const index of table.indexes) builder.index([...index.columns], index.name)
    })
  }
}

function addColumn(builder: Knex.CreateTableBuilder, column: ColumnDef): Knex.ColumnBuilder {
  switch (column.type) {
    case 'text':
      return builder.string(column.name, column.length ?? 255)
    case 'integer':
      return builder.integer(column.name)
    case 'decimal':
      return builder.decimal(column.name, 18, 4)
    case 'date':
      return builder.date(column.name)
    case 'timestamp':
      return builder.datetime(column.name, { useTz: false, precision: 6 })
  }
}
