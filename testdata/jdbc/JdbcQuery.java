import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Connects with pgjdbc and prints the first column of a query, or the SQLSTATE of the failure. */
public class JdbcQuery {
    public static void main(String[] args) {
        String url = args[0], user = args[1], password = args[2], sql = args[3];
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        try (Connection c = DriverManager.getConnection(url, props);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                System.out.println(rs.getString(1));
            }
        } catch (SQLException e) {
            System.out.println("SQLSTATE " + e.getSQLState() + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
