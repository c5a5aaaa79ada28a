import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

// DriverCheck drives pgjdbc the way applications and BI tools do and prints
// one line per observation, for the Go test to check:
//
//   schema NAME                      DatabaseMetaData.getSchemas
//   table SCHEMA.NAME TYPE           getTables (every type)
//   column SCHEMA.TABLE.COL ...      getColumns of the visible tables
//   viewcolumn SCHEMA.VIEW.COL ...   getColumns of the views (lakegate.tables)
//   anycolumn SCHEMA.TABLE           getColumns(null, null, "%", "%"): tables with columns
//   pk SCHEMA.TABLE N                getPrimaryKeys (row count)
//   typeinfo NAME DATA_TYPE PREC     getTypeInfo, for a few types
//   prepared ...                     a PreparedStatement run past prepareThreshold
//   stream ROWS SUM                  a 100k-row query with setFetchSize(1000)
//   commit ...                       setAutoCommit(false) + commit
public class DriverCheck {
    static String orNull(Object o) {
        return o == null ? "null" : o.toString();
    }

    // printColumns prints a line per column getColumns reports of table t
    // (schema, name), after label.
    static void printColumns(DatabaseMetaData md, String label, String[] t) throws SQLException {
        try (ResultSet rs = md.getColumns(null, t[0], t[1], "%")) {
            while (rs.next()) {
                System.out.println(label + t[0] + "." + t[1] + "." + rs.getString("COLUMN_NAME")
                    + " pos=" + rs.getInt("ORDINAL_POSITION")
                    + " type=" + rs.getInt("DATA_TYPE")
                    + " typename=" + rs.getString("TYPE_NAME")
                    + " size=" + rs.getInt("COLUMN_SIZE")
                    + " digits=" + orNull(rs.getObject("DECIMAL_DIGITS"))
                    + " nullable=" + rs.getInt("NULLABLE")
                    + " isnullable=" + rs.getString("IS_NULLABLE")
                    + " remarks=" + orNull(rs.getString("REMARKS")));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", args[1]);
        p.setProperty("password", args[2]);
        try (Connection c = DriverManager.getConnection(args[0], p)) {
            DatabaseMetaData md = c.getMetaData();

            List<String> schemas = new ArrayList<>();
            try (ResultSet rs = md.getSchemas()) {
                while (rs.next()) {
                    schemas.add(rs.getString("TABLE_SCHEM"));
                    System.out.println("schema " + rs.getString("TABLE_SCHEM"));
                }
            }
            try (ResultSet rs = md.getSchemas(null, "pay%")) {
                while (rs.next()) {
                    System.out.println("schema-like pay% " + rs.getString("TABLE_SCHEM"));
                }
            }

            List<String[]> tables = new ArrayList<>();
            List<String[]> views = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, null, "%", null)) {
                while (rs.next()) {
                    String type = rs.getString("TABLE_TYPE");
                    String name = rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME");
                    System.out.println("table " + name + " " + type + " remarks=" + orNull(rs.getString("REMARKS")));
                    if ("TABLE".equals(type)) {
                        tables.add(new String[] {rs.getString("TABLE_SCHEM"), rs.getString("TABLE_NAME")});
                    }
                    if ("VIEW".equals(type)) {
                        views.add(new String[] {rs.getString("TABLE_SCHEM"), rs.getString("TABLE_NAME")});
                    }
                }
            }
            try (ResultSet rs = md.getTables(null, "payments", "%", new String[] {"TABLE", "VIEW"})) {
                while (rs.next()) {
                    System.out.println("table-in payments " + rs.getString("TABLE_NAME"));
                }
            }
            try (ResultSet rs = md.getTableTypes()) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                System.out.println("tabletypes " + n);
            }

            for (String[] t : tables) {
                printColumns(md, "column ", t);
                try (ResultSet rs = md.getPrimaryKeys(null, t[0], t[1])) {
                    int n = 0;
                    while (rs.next()) {
                        n++;
                    }
                    System.out.println("pk " + t[0] + "." + t[1] + " " + n);
                }
                try (ResultSet rs = md.getIndexInfo(null, t[0], t[1], false, true)) {
                    int n = 0;
                    while (rs.next()) {
                        n++;
                    }
                    System.out.println("indexes " + t[0] + "." + t[1] + " " + n);
                }
            }
            // the views' columns (lakegate.tables), as a tool showing one asks
            for (String[] t : views) {
                printColumns(md, "viewcolumn ", t);
            }
            // every column of every table the caller may see, as a tool
            // building a schema tree asks
            try (ResultSet rs = md.getColumns(null, null, "%", "%")) {
                String last = "";
                while (rs.next()) {
                    String name = rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME");
                    if (!name.equals(last) && !rs.getString("TABLE_SCHEM").startsWith("pg_")
                        && !rs.getString("TABLE_SCHEM").equals("information_schema")) {
                        System.out.println("anycolumn " + name);
                    }
                    last = name;
                }
            }

            try (ResultSet rs = md.getTypeInfo()) {
                int n = 0;
                while (rs.next()) {
                    n++;
                    String name = rs.getString("TYPE_NAME");
                    if (name.equals("int8") || name.equals("numeric") || name.equals("text") || name.equals("timestamptz")
                        || name.equals("bool") || name.equals("_int4")) {
                        System.out.println("typeinfo " + name + " " + rs.getInt("DATA_TYPE") + " " + rs.getInt("PRECISION")
                            + " nullable=" + rs.getShort("NULLABLE") + " searchable=" + rs.getShort("SEARCHABLE"));
                    }
                }
                System.out.println("typeinfo count " + (n > 20 ? "many" : Integer.toString(n)));
            }
            System.out.println("product " + md.getDatabaseProductName() + " " + md.getDatabaseMajorVersion());

            // pgjdbc switches to a named server-side statement after
            // prepareThreshold (5) executions: run past it
            try (PreparedStatement ps = c.prepareStatement(
                "select id, amount, currency, created_at from payments.charges where id between ? and ? and amount >= ? order by id")) {
                for (int i = 0; i < 7; i++) {
                    ps.setLong(1, 10 + i);
                    ps.setLong(2, 12 + i);
                    ps.setBigDecimal(3, new BigDecimal("0.00"));
                    int rows = 0;
                    long first = -1;
                    BigDecimal amount = null;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (rows == 0) {
                                first = rs.getLong(1);
                                amount = rs.getBigDecimal(2);
                            }
                            rows++;
                        }
                        if (i == 0) {
                            ResultSetMetaData rm = rs.getMetaData();
                            for (int k = 1; k <= rm.getColumnCount(); k++) {
                                System.out.println("prepared column " + rm.getColumnName(k) + " " + rm.getColumnTypeName(k)
                                    + " " + rm.getColumnType(k));
                            }
                        }
                    }
                    System.out.println("prepared " + i + " rows=" + rows + " first=" + first + " scale=" + amount.scale());
                }
            }
            try (PreparedStatement ps = c.prepareStatement("select name from users.customers where id = ? or name = ?")) {
                ps.setInt(1, 3);
                ps.setString(2, "it's nobody");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        System.out.println("prepared name " + (rs.getString(1).endsWith(" 3") ? "ok" : rs.getString(1)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("select * from users.nope where id = ?")) {
                ps.setInt(1, 1);
                ps.executeQuery();
            } catch (SQLException e) {
                System.out.println("prepared error " + e.getSQLState());
            }

            // a 100k-row result fetched in portions of 1000 rows: pgjdbc
            // uses a named portal and Execute with a row limit only
            // outside autocommit
            c.setAutoCommit(false);
            long rows = 0, sum = 0;
            try (Statement st = c.createStatement()) {
                st.setFetchSize(1000);
                try (ResultSet rs = st.executeQuery(
                    "select c.id, ch.id from users.customers c cross join payments.charges ch")) {
                    while (rs.next()) {
                        rows++;
                        sum += rs.getLong(1) * 1000 + rs.getLong(2);
                    }
                }
            }
            c.commit();
            System.out.println("stream " + rows + " " + sum);

            // a transaction: autocommit off, two statements, commit, and
            // the connection is usable in autocommit again
            try (Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("select count(*) from payments.charges")) {
                    rs.next();
                    System.out.println("commit count " + rs.getLong(1));
                }
                try (ResultSet rs = st.executeQuery("show transaction isolation level")) {
                    rs.next();
                    System.out.println("commit isolation " + rs.getString(1));
                }
            }
            c.commit();
            c.setAutoCommit(true);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select 41 + 1")) {
                rs.next();
                System.out.println("commit after " + rs.getInt(1) + " autocommit=" + c.getAutoCommit());
            }
        } catch (SQLException e) {
            System.out.println("SQLSTATE " + e.getSQLState() + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
