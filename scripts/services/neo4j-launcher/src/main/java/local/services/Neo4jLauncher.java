package local.services;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.configuration.ssl.ClientAuth;
import org.neo4j.configuration.ssl.SslPolicyConfig;
import org.neo4j.configuration.ssl.SslPolicyScope;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Starts an embedded Neo4j Community DBMS (5.26 LTS) with a Bolt connector, keeping its data
 * in a fixed home directory so it survives stop/start (outage drills).
 *
 * <p>Configuration (environment):
 * <ul>
 *   <li>NEO4J_HOME_DIR: DBMS home (data/, logs/); required.</li>
 *   <li>NEO4J_BOLT_HOST / NEO4J_BOLT_PORT: Bolt listen address, default 127.0.0.1:7687.</li>
 *   <li>NEO4J_PASSWORD: password of user neo4j, default neo4j-password. Set on every start
 *       (so changing the variable changes the password). NEO4J_AUTH=none disables auth.</li>
 *   <li>NEO4J_PAGECACHE_MB: page cache size, default 256.</li>
 *   <li>NEO4J_TLS_DIR: when set, the Bolt port also takes TLS (encryption level OPTIONAL: one
 *       connector serves TLS and plaintext clients alike), with the SSL policy files of that
 *       directory: private.key, public.crt, trusted/, revoked/. No client certificates.</li>
 * </ul>
 * Prints "NEO4J_READY bolt://host:port" once the DBMS is up and the password is set.
 * Stops cleanly on SIGTERM/SIGINT.
 */
public final class Neo4jLauncher {
    private Neo4jLauncher() {}

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    public static void main(String[] args) throws Exception {
        String home = env("NEO4J_HOME_DIR", null);
        if (home == null) {
            System.err.println("NEO4J_HOME_DIR is not set");
            System.exit(2);
        }
        String host = env("NEO4J_BOLT_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("NEO4J_BOLT_PORT", "7687"));
        boolean auth = !"none".equalsIgnoreCase(env("NEO4J_AUTH", ""));
        String password = env("NEO4J_PASSWORD", "neo4j-password");
        long pagecacheMb = Long.parseLong(env("NEO4J_PAGECACHE_MB", "256"));
        String tlsDir = env("NEO4J_TLS_DIR", null);

        long t0 = System.nanoTime();
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(Path.of(home));
        if (tlsDir != null) {
            SslPolicyConfig bolt = SslPolicyConfig.forScope(SslPolicyScope.BOLT);
            builder.setConfig(bolt.enabled, true)
                    .setConfig(bolt.base_directory, Path.of(tlsDir))
                    .setConfig(bolt.client_auth, ClientAuth.NONE)
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.OPTIONAL);
        }
        DatabaseManagementService dbms = builder
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(host))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecacheMb))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("NEO4J_STOPPING");
            try {
                dbms.shutdown();
            } finally {
                stopped.countDown();
            }
            System.out.println("NEO4J_STOPPED");
        }, "neo4j-shutdown"));

        try {
            if (auth) {
                GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
                try {
                    system.executeTransactionally(
                            "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
                    System.out.println("NEO4J_PASSWORD_SET user=neo4j");
                } catch (RuntimeException e) {
                    String msg = String.valueOf(e.getMessage());
                    // Same password as before: nothing to change.
                    if (!msg.contains("same")) {
                        throw e;
                    }
                    System.out.println("NEO4J_PASSWORD_UNCHANGED user=neo4j");
                }
            }
            // Touch the default database so the first client does not pay for its start-up.
            dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");

            System.out.printf("NEO4J_READY bolt://%s:%d auth=%s tls=%s startup_ms=%d%n",
                    host, port, auth ? "neo4j" : "none", tlsDir == null ? "off" : "optional",
                    (System.nanoTime() - t0) / 1_000_000);
            System.out.flush();
        } catch (RuntimeException e) {
            // e.g. a password shorter than 8 characters: fail fast instead of hanging half-started.
            System.out.println("NEO4J_FAILED " + e.getMessage());
            e.printStackTrace();
            System.exit(1); // the shutdown hook stops the DBMS
        }
        stopped.await();
    }
}
