package io.luanio.lua;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code openssl s_server} on 127.0.0.1 for the binding's TLS tests, with the core's
 * committed test certificates. Skips the test when openssl is missing, except under
 * {@code CI=true}, where a missing tool fails it.
 */
final class OpenSslServer implements AutoCloseable {
    /** The core's test certificates (see core/src/test/resources/tls/generate.sh). */
    static final Path TLS = Paths.get("..", "core", "src", "test", "resources", "tls");

    private final Process process;
    final int port;

    private OpenSslServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static String pem(String name) throws IOException {
        return new String(Files.readAllBytes(TLS.resolve(name)), StandardCharsets.US_ASCII);
    }

    /** Starts s_server with the given extra arguments (mode, certificates). */
    static OpenSslServer start(String... args) throws Exception {
        boolean present = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start().waitFor() == 0;
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("openssl is required under CI=true");
        }
        assumeTrue(present, "openssl not installed");
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            List<String> command = new ArrayList<>(Arrays.asList("openssl", "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", TLS.resolve("server.pem").toString(), "-key", TLS.resolve("server.key").toString(), "-quiet"));
            command.addAll(Arrays.asList(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (waitForListener(p, port)) {
                return new OpenSslServer(p, port);
            }
            p.destroyForcibly();
        }
        throw new IOException("openssl s_server did not start");
    }

    private static boolean waitForListener(Process p, int port) throws InterruptedException {
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                while (r.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (IOException e) {
                // process gone
            }
        }, "openssl-output");
        drain.setDaemon(true);
        drain.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
