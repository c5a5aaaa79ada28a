import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Properties;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

// JdbcSession drives pgjdbc's session features against a server and prints
// one line per observation: server identity, transactions with an error
// inside (autocommit off), savepoints, isolation level, CopyManager.copyOut.
public class JdbcSession {
    static String state(SQLException e) {
        return "SQLSTATE " + e.getSQLState();
    }

    static String one(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", args[1]);
        p.setProperty("password", args.length > 2 ? args[2] : "");
        try (Connection c = DriverManager.getConnection(args[0], p)) {
            DatabaseMetaData md = c.getMetaData();
            System.out.println("version " + md.getDatabaseProductVersion() + " major " + md.getDatabaseMajorVersion()
                + " minor " + md.getDatabaseMinorVersion());

            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            System.out.println("isolation " + c.getTransactionIsolation());

            c.setAutoCommit(false);
            Statement st = c.createStatement();
            System.out.println("in txn " + one(st, "select count(*) from users.customers"));
            try {
                st.executeQuery("select * from users.nope");
            } catch (SQLException e) {
                System.out.println("error " + state(e));
            }
            try {
                st.executeQuery("select 1");
            } catch (SQLException e) {
                System.out.println("aborted " + state(e));
            }
            c.rollback();
            System.out.println("after rollback " + one(st, "select 2"));

            Savepoint sp = c.setSavepoint("sp1");
            try {
                st.executeQuery("select * from users.nope");
            } catch (SQLException e) {
                System.out.println("error " + state(e));
            }
            c.rollback(sp);
            System.out.println("after savepoint rollback " + one(st, "select 3"));
            Savepoint sp2 = c.setSavepoint();
            c.releaseSavepoint(sp2);
            c.commit();
            c.setAutoCommit(true);

            CopyManager cm = c.unwrap(PGConnection.class).getCopyAPI();
            StringWriter w = new StringWriter();
            long n = cm.copyOut("COPY (select id, email from users.customers order by id limit 3) TO STDOUT WITH (FORMAT csv, HEADER)", w);
            System.out.println("copy " + n);
            System.out.print(w.toString());
            System.out.println("after copy " + one(st, "select 4"));
        }
    }
}
