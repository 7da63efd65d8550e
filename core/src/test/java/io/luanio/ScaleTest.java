package io.luanio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 10,000 concurrent loopback connections on one loop, each exchanging a message, in a JVM
 * whose heap is capped at 256 MiB; idle connections hold no queue page. Client and echo
 * server run in their own JVMs, so each has its own descriptor budget.
 */
@Tag("long")
class ScaleTest {
    private static final int CONNECTIONS = 10_000;

    @Test
    void tenThousandConnectionsFitInA256MiBHeap() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        String classpath = System.getProperty("java.class.path");
        Process server = new ProcessBuilder(java, "-Xmx256m", "-cp", classpath, EchoServerMain.class.getName()).start();
        try {
            BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            int port = Integer.parseInt(serverOut.readLine().trim());
            Process client = new ProcessBuilder(java, "-Xmx256m", "-XX:MaxDirectMemorySize=256m", "-cp", classpath,
                ScaleMain.class.getName(), String.valueOf(port), String.valueOf(CONNECTIONS)).redirectErrorStream(true).start();
            StringBuilder out = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.append(line).append('\n');
                }
            }
            assertTrue(client.waitFor(5, TimeUnit.MINUTES), "the scale run did not finish");
            assertEquals(0, client.exitValue(), out.toString());
            Matcher m = Pattern.compile("SCALE connections=(\\d+) .*perIdleConnectionB=(\\d+) outstandingPages=(\\d+) maxHeapMiB=(\\d+)")
                .matcher(out);
            assertTrue(m.find(), out.toString());
            assertEquals(CONNECTIONS, Integer.parseInt(m.group(1)));
            assertEquals(0, Long.parseLong(m.group(3)), "an idle connection holds no queue page");
            assertTrue(Long.parseLong(m.group(4)) <= 256, "the client ran with at most 256 MiB of heap");
            // Measured about 1.8 KB (channel, key, slot, queue objects and their page tables):
            // a bound that catches a buffer held per idle connection (pages are 16 KiB).
            assertTrue(Long.parseLong(m.group(2)) < 4096, "heap per idle connection: " + m.group(2) + " B");
            System.out.print(out);
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }
}
