package dev.nestcheck.conformance;

import java.util.List;

/** A plain-text table with a header rule, columns padded to their widest cell. */
public final class Table {
    private Table() {
    }

    public static String render(List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows)
            for (int c = 0; c < cols; c++) width[c] = Math.max(width[c], r[c].length());
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            line(b, rows.get(i), width);
            if (i == 0) {
                String[] rule = new String[cols];
                for (int c = 0; c < cols; c++) rule[c] = "-".repeat(width[c]);
                line(b, rule, width);
            }
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String[] cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) l.append("  ");
            l.append(cells[c]);
            if (c < cells.length - 1) l.append(" ".repeat(width[c] - cells[c].length()));
        }
        b.append(l.toString().stripTrailing()).append('\n');
    }
}
