package io.luanio.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What core promises its users about itself: Java 8 bytecode and java.base only. */
class BuildContractTest {
    private static final Path CLASSES = Paths.get("target", "classes");

    @Test
    void everyClassIsJava8Bytecode() throws IOException {
        List<Path> classes;
        try (Stream<Path> walk = Files.walk(CLASSES)) {
            classes = walk.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
        }
        assertTrue(classes.size() > 20, "core classes found: " + classes.size());
        for (Path c : classes) {
            try (InputStream in = Files.newInputStream(c); DataInputStream data = new DataInputStream(in)) {
                assertEquals(0xCAFEBABE, data.readInt());
                data.readUnsignedShort(); // minor
                assertEquals(52, data.readUnsignedShort(), c + " is not Java 8 bytecode");
            }
        }
    }

    @Test
    void coreNeedsOnlyJavaBase() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("jdeps missing"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "--multi-release", "17",
            "--print-module-deps", CLASSES.toString());
        assertEquals(0, status, err.toString());
        assertEquals("java.base", out.toString().trim());
    }
}
