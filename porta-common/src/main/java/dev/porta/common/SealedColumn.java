// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

/**
 * A column whose values are stored sealed by {@link SecretBox}. The table, row id and column form the
 * authenticated data, so a sealed value moved to another row or column does not open.
 *
 * @param table    the table (a constant of the store, never input)
 * @param idColumn its primary key column
 * @param column   the sealed column
 */
public record SealedColumn(String table, String idColumn, String column) {
    public SealedColumn {
        for (String name : new String[] {table, idColumn, column}) {
            if (!name.matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException("not an SQL identifier: " + name);
            }
        }
    }

    /** The authenticated data of one row's value. */
    public String context(String rowId) {
        return table + "/" + rowId + "/" + column;
    }

    /**
     * Seals every value of this column with the box's current key: plaintext of older versions and
     * values under an earlier master key; checks that the others open. Returns how many rows changed.
     */
    public int reseal(Sql sql, SecretBox box) {
        int changed = 0;
        for (String[] row : sql.list("SELECT " + idColumn + ", " + column + " FROM " + table,
                rs -> new String[] {rs.getString(1), rs.getString(2)})) {
            var update = box.resealed(row[1], context(row[0]));
            if (update.isPresent()) {
                // only if unchanged since read: another node may be sealing the same row at the same time
                changed += sql.update("UPDATE " + table + " SET " + column + " = ? WHERE " + idColumn + " = ? AND " + column + " = ?",
                        update.get(), row[0], row[1]);
            }
        }
        return changed;
    }
}
