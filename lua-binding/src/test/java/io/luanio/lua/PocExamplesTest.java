package io.luanio.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The POC examples (lua-binding/examples/poc) through the runner, as the README runs them:
 * each starts what it talks to, ends with status 0 and prints the lines that show it worked.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PocExamplesTest {
    static final String DIR = "examples/poc/";

    /** Runs an example; asserts status 0 and an empty stderr; returns stdout. */
    private static String run(String name, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = DIR + name;
        System.arraycopy(args, 0, command, 1, args.length);
        Object[] r = LuatAppTest.runner(command);
        assertEquals(0, r[0], name + " failed:\n" + r[1] + "\n" + r[2]);
        assertEquals("", r[2], "stderr of " + name);
        return (String) r[1];
    }

    private static void printed(String out, String regex) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(out).find(), "no line like " + regex + " in:\n" + out);
    }

    @Test
    void theExamplesAreWhereTheReadmeSays() {
        for (String name : new String[] {"banner_grab.lua", "https_sni.lua", "udp_exchange.lua"}) {
            assertTrue(new File(DIR + name).isFile(), name);
        }
    }

    @Test
    void bannerGrabFindsTheBannerTheSilentPortAndTheClosedOne() {
        String out = run("banner_grab.lua");
        printed(out, "^scanning 127\\.0\\.0\\.1, 3 ports, 0\\.5 s timeout$");
        printed(out, "^\\s*\\d+/tcp  open    banner \"SSH-2\\.0-luanio_demo\"$");
        printed(out, "^\\s*\\d+/tcp  open    no banner \\(timeout\\)$");
        printed(out, "^\\s*\\d+/tcp  closed  \\(connection refused\\)$");
        printed(out, "^done: 2 open, 1 closed$");
    }

    @Test
    void httpsSniReachesEachVirtualHostAndRefusesAnUnknownName() {
        String out = run("https_sni.lua");
        printed(out, "^\\[server\\] https://127\\.0\\.0\\.1:\\d+/ serves localhost \\(default\\) and sni\\.test$");
        printed(out, "^\\[server\\] GET / HTTP/1\\.0, SNI sni\\.test, Host: sni\\.test$");
        printed(out, "^\\[client\\] GET https://localhost/ -> HTTP/1\\.0 200 OK: <h1>localhost</h1> the default host$");
        printed(out, "^\\[client\\] GET https://sni\\.test/ -> HTTP/1\\.0 200 OK: <h1>sni\\.test</h1> a virtual host$");
        printed(out, "^\\[client\\] GET https://other\\.test/ refused: tls: host name mismatch");
        printed(out, "^done: 2 of 3 names reached their host");
    }

    @Test
    void httpsSniTakesTheCertificateFolderAsAnArgument() {
        String out = run("https_sni.lua", OpenSslServer.TLS.toString());
        printed(out, "^done: 2 of 3 names reached their host");
    }

    @Test
    void udpExchangeSendsDatagramsBothWays() {
        String out = run("udp_exchange.lua");
        printed(out, "^a is 127\\.0\\.0\\.1:\\d+, b is 127\\.0\\.0\\.1:\\d+$");
        for (int i = 1; i <= 3; i++) {
            printed(out, "^b got \"ping " + i + "\" \\(6 bytes\\)$");
            printed(out, "^a got \"pong " + i + "\" \\(6 bytes\\)$");
        }
        printed(out, "^b got \"three\" \\(5 bytes\\)$");
        printed(out, "^b waits for more: timeout$");
        printed(out, "^done$");
    }
}
