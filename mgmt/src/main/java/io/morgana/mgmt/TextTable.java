package io.morgana.mgmt;

import java.util.ArrayList;
import java.util.List;

/**
 * Columns of text aligned with spaces, for command answers ({@code conns}, {@code arp}): a
 * header, then rows, each column as wide as its widest cell.
 */
public final class TextTable {

  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  /** A table with these column headers. */
  public TextTable(String... headers) {
    this.columns = headers.length;
    rows.add(headers.clone());
  }

  /** Adds a row of exactly as many cells as there are columns. */
  public TextTable row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + columns + " columns");
    }
    rows.add(cells.clone());
    return this;
  }

  /** The table, one line per row, no trailing newline or trailing spaces. */
  @Override
  public String toString() {
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] r : rows) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(r[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.append(line.toString().stripTrailing());
    }
    return out.toString();
  }
}
