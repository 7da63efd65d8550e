package io.luanio;

/**
 * A TLS echo server in its own JVM (the JDK's SSLServerSocket, certificate server.pem), for
 * tests that measure the client side alone. Prints its port on the first line, then serves
 * until its standard input closes.
 */
public final class TlsEchoServerMain {
    private TlsEchoServerMain() {
    }

    /**
     * Runs the server.
     *
     * @param args unused
     * @throws Exception when it cannot start
     */
    public static void main(String[] args) throws Exception {
        try (TlsPeers.JdkServer server = TlsPeers.JdkServer.echo()) {
            System.out.println(server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to go away
            }
        }
    }
}
