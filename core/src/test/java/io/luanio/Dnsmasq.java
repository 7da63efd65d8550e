package io.luanio;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real dnsmasq on 127.0.0.1 and a free port, started with a configuration the test
 * writes (no system file is read), logging every query to a file. Missing dnsmasq skips
 * the test, except under {@code CI=true}, where it fails it ({@code .ci/run} installs
 * dnsmasq-base).
 */
final class Dnsmasq implements AutoCloseable {
    private static final String[] LOCATIONS = {"/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq", "/usr/local/sbin/dnsmasq"};

    final int port;
    final Path log;
    private final Process process;
    private final Thread reaper;

    private Dnsmasq(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
        this.reaper = new Thread(process::destroyForcibly, "dnsmasq-reaper");
        Runtime.getRuntime().addShutdownHook(reaper); // never outlive the test JVM
    }

    /** The dnsmasq binary, or a skipped test (a failed one under CI=true). */
    static String binary() {
        String forced = System.getProperty("luanio.dnsmasq"); // e.g. -Dluanio.dnsmasq=none to try the missing case
        if (forced != null) {
            return new File(forced).canExecute() ? forced : missing();
        }
        for (String candidate : LOCATIONS) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "dnsmasq");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return missing();
    }

    private static String missing() {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("dnsmasq is required when CI=true (.ci/run installs dnsmasq-base)");
        }
        Assumptions.abort("dnsmasq is not installed: skipping the tests against a real DNS server");
        return null;
    }

    /**
     * Starts dnsmasq serving {@code hosts} (a hosts file it reads) and {@code args} (more
     * options), with no upstream and no system file.
     */
    static Dnsmasq start(Path dir, String hosts, String... args) throws Exception {
        String binary = binary();
        Path hostsFile = dir.resolve("dnsmasq.hosts");
        Path conf = dir.resolve("dnsmasq.conf");
        Files.write(hostsFile, hosts.getBytes(StandardCharsets.US_ASCII));
        Files.write(conf, "# written by the test; every option is on the command line\n".getBytes(StandardCharsets.US_ASCII));
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            Path log = dir.resolve("dnsmasq-" + port + ".log");
            List<String> command = new ArrayList<>(Arrays.asList(binary,
                "--keep-in-foreground", "--no-daemon", "--conf-file=" + conf, "--pid-file",
                "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces",
                "--no-resolv", "--no-hosts", "--addn-hosts=" + hostsFile,
                "--log-queries", "--log-facility=" + log));
            if ("root".equals(System.getProperty("user.name"))) {
                command.add("--user=root"); // keep reading the test's files after start-up
                command.add("--group=root");
            }
            command.addAll(Arrays.asList(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("dnsmasq-" + port + ".out").toFile()).start();
            Dnsmasq dnsmasq = new Dnsmasq(port, log, process);
            if (dnsmasq.awaitReady()) {
                return dnsmasq;
            }
            dnsmasq.close();
            last = new IOException("dnsmasq did not come up on port " + port + ": "
                + new String(Files.readAllBytes(dir.resolve("dnsmasq-" + port + ".out")), StandardCharsets.UTF_8));
        }
        throw last;
    }

    /** Sends a probe query until dnsmasq answers anything (it is then listening). */
    private boolean awaitReady() throws IOException, InterruptedException {
        byte[] probe = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 'p', 'r', 'o', 'b', 'e', 0, 0, 1, 0, 1};
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(100);
            while (System.nanoTime() - deadline < 0) {
                if (!process.isAlive()) {
                    return false;
                }
                socket.send(new DatagramPacket(probe, probe.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
                try {
                    socket.receive(new DatagramPacket(new byte[512], 512));
                    return true;
                } catch (SocketTimeoutException e) {
                    Thread.sleep(50);
                }
            }
        }
        return false;
    }

    /** A port free for both UDP and TCP on 127.0.0.1 (dnsmasq needs both). */
    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()))) {
                return udp.getLocalPort();
            } catch (IOException e) {
                // the UDP port was taken: another
            }
        }
        throw new IOException("no port free for both UDP and TCP");
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    /** How many queries of this type for this name dnsmasq logged. */
    int queries(String type, String name) throws IOException {
        // "query[A] name from" when forwarding/caching, "auth[A] name from" in an auth zone
        Pattern p = Pattern.compile("(query|auth)\\[" + type + "\\] " + Pattern.quote(name) + " from ");
        int n = 0;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already
        }
    }
}
