package io.luanio.jmh;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Measures the ratio of one benchmark method to its baseline(s) on a shared, noisy machine
 * by interleaving short forks of each instead of running one method after the other.
 *
 * <p>JMH runs every iteration of one method, then every iteration of the next, so the two
 * scores come from different time windows, and on a shared machine the load drifts
 * between them by more than the difference being measured (the same code has given a
 * ratio of 0.84 in one run and 1.48 in the next). Here each of {@code --rounds} rounds
 * runs every method once, one short fork each, the order reversed every other round
 * ({@link RatioStats#roundOrder}), and the ratio is taken within each round; the median
 * of those ratios, with their spread, is the result.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar io.luanio.jmh.RatioRunner BulkBenchmark --rounds 5
 * java -cp jmh/target/benchmarks.jar io.luanio.jmh.RatioRunner BulkBenchmark --baseline baseline,selectorBaseline
 * java -cp jmh/target/benchmarks.jar io.luanio.jmh.RatioRunner RequestResponseBenchmark -p size=64 -p connections=1
 * </pre>
 *
 * A {@code @Param} with several values that {@code -p} does not narrow to one runs each
 * combination as its own set of rounds, one table each. Run without arguments for the
 * options. The exit status is 0 on success, 2 on bad arguments, 1 if a benchmark failed.
 */
public final class RatioRunner {
    private static final String USAGE = """
        usage: java -cp jmh/target/benchmarks.jar io.luanio.jmh.RatioRunner CLASS [options]
          CLASS              a benchmark class's simple name (BulkBenchmark) or a regular
                             expression found in its full name (loop.Bulk); must pick one class
          --rounds R         rounds; each runs every method once, one fork each (default 5)
          --method M         the numerator (default luanio; a @Group's name for group benchmarks)
          --baseline B[,B2]  the denominator(s), each with its own ratio (default baseline)
          -p name=v[,v2]     a @Param's value(s), repeatable; every combination of the values
                             left (the class's own, unless given) runs as its own set of rounds
          --wi N             warm-up iterations per fork (default 2)
          --w S              seconds per warm-up iteration (default 1)
          --i N              measured iterations per fork (default 3)
          --r S              seconds per measured iteration (default 1)
          --prof-gc          add JMH's GC profiler and report gc.alloc.rate.norm (B/op)
          --json FILE        also write every score and ratio to FILE as JSON
          --verbose          show JMH's own log of every fork (default: one line per fork)
        """;

    private static final String ALLOC_NORM = "gc.alloc.rate.norm";

    private RatioRunner() {
    }

    /**
     * Runs the rounds and prints, for each parameter combination, the per-round scores and
     * ratios, then each baseline's median, minimum and maximum ratio and median scores.
     * Progress goes to standard error, the tables to standard output.
     *
     * @param args the benchmark class, then the options (see the class comment, or run
     *     without arguments)
     */
    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.print(USAGE);
            return;
        }
        int status;
        try {
            status = run(args);
        } catch (BadArguments e) {
            System.err.println("RatioRunner: " + e.getMessage());
            System.err.println();
            System.err.print(USAGE);
            status = 2;
        }
        System.out.flush();
        System.exit(status);
    }

    private static int run(String[] argv) throws BadArguments {
        Settings s = Settings.parse(argv);
        Target target = Target.resolve(s);
        List<String> methods = new ArrayList<>();
        methods.add(s.method);
        methods.addAll(s.baselines);
        List<Map<String, String>> combinations = RatioStats.combinations(target.params);

        long forks = (long) combinations.size() * s.rounds * methods.size();
        System.err.printf(Locale.ROOT, "%s: %d fork(s) of at least %d s each (%d x %d s warm-up, %d x %d s measured)%n",
            target.className, forks, s.warmupIterations * s.warmupSeconds + s.iterations * s.seconds,
            s.warmupIterations, s.warmupSeconds, s.iterations, s.seconds);

        List<Case> cases = new ArrayList<>();
        for (int c = 0; c < combinations.size(); c++) {
            Case kase = new Case(target.className, combinations.get(c), methods, s.rounds);
            cases.add(kase);
            for (int round = 1; round <= s.rounds; round++) {
                List<String> order = RatioStats.roundOrder(methods, round);
                kase.orders.add(order);
                for (String method : order) {
                    System.err.printf(Locale.ROOT, "[%s%sround %d/%d] %s: ", kase.label(), kase.params.isEmpty() ? "" : ", ",
                        round, s.rounds, method);
                    RunResult result;
                    try {
                        result = runFork(s, target, method, kase.params);
                    } catch (RunnerException | RuntimeException e) {
                        System.err.println("failed");
                        System.err.println("RatioRunner: " + method + " failed: " + causes(e));
                        printCase(kase, s, round - 1); // what finished is still worth seeing
                        return 1;
                    }
                    Result<?> primary = result.getPrimaryResult();
                    Result<?> alloc = result.getSecondaryResults().get(ALLOC_NORM);
                    kase.unit = primary.getScoreUnit();
                    kase.scores.get(method)[round - 1] = primary.getScore();
                    kase.alloc.get(method)[round - 1] = alloc == null ? Double.NaN : alloc.getScore();
                    System.err.println(score(primary.getScore()) + " " + kase.unit
                        + (alloc == null ? "" : ", " + decimal(alloc.getScore()) + " B/op"));
                }
            }
            // Each table as soon as its rounds are done: a long run still shows what it found.
            printCase(kase, s, s.rounds);
        }
        if (s.json != null) {
            try {
                Files.write(Paths.get(s.json), json(s, target, cases).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                System.err.println("RatioRunner: cannot write " + s.json + ": " + e);
                return 1;
            }
        }
        return 0;
    }

    /** One fork of one method with every parameter fixed: exactly one {@link RunResult}. */
    private static RunResult runFork(Settings s, Target target, String method, Map<String, String> params)
            throws RunnerException {
        ChainedOptionsBuilder b = new OptionsBuilder()
            .include("^" + Pattern.quote(target.className + "." + method) + "$")
            .forks(1)
            .warmupForks(0)
            .warmupIterations(s.warmupIterations)
            .warmupTime(TimeValue.seconds(s.warmupSeconds))
            .measurementIterations(s.iterations)
            .measurementTime(TimeValue.seconds(s.seconds))
            .shouldFailOnError(true);
        // Only the params this method declares: the combination may hold another method's.
        for (String name : target.paramsOf.get(method)) {
            b.param(name, params.get(name));
        }
        if (s.profGc) {
            b.addProfiler(GCProfiler.class);
        }
        VerboseMode mode = s.verbose ? VerboseMode.NORMAL : VerboseMode.SILENT;
        // Runner closes its output when a run ends; by default that is System.out itself,
        // which would silence every later fork and the tables. Give it a stream it cannot close.
        PrintStream out = new PrintStream(new FilterOutputStream(System.out) {
            @Override
            public void write(byte[] bytes, int off, int len) throws IOException {
                out.write(bytes, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        }, true, StandardCharsets.UTF_8);
        OutputFormat format = OutputFormatFactory.createFormatInstance(out, mode);
        Collection<RunResult> results = new Runner(b.build(), format).run();
        if (results.size() != 1) {
            throw new IllegalStateException("expected one result from " + method + " " + params + ", got " + results.size());
        }
        return results.iterator().next();
    }

    /** The messages of an exception and its causes, one line: JMH wraps the benchmark's own. */
    private static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            for (Throwable suppressed : t.getSuppressed()) {
                sb.append(" [").append(suppressed).append(']');
            }
        }
        return sb.toString();
    }

    /** Prints a case's rounds (the first {@code rounds} of them) and, per baseline, the summary. */
    private static void printCase(Case kase, Settings s, int rounds) {
        PrintStream out = System.out;
        out.println();
        out.printf(Locale.ROOT, "%s%s  (%s; ratio = %s / baseline, per round)%n", kase.className,
            kase.params.isEmpty() ? "" : "  " + kase.label(), kase.unit == null ? "?" : kase.unit, s.method);
        if (rounds == 0) {
            out.println("(no complete round)");
            return;
        }
        List<String[]> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("round", "order"));
        head.addAll(kase.methods);
        for (String b : s.baselines) {
            head.add(s.method + "/" + b);
        }
        rows.add(head.toArray(new String[0]));
        for (int r = 0; r < rounds; r++) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(r + 1), String.join(",", kase.orders.get(r))));
            for (String m : kase.methods) {
                row.add(score(kase.scores.get(m)[r]));
            }
            for (String b : s.baselines) {
                row.add(ratio(kase.scores.get(s.method)[r] / kase.scores.get(b)[r]));
            }
            rows.add(row.toArray(new String[0]));
        }
        printTable(out, rows, 1);

        out.println();
        rows.clear();
        rows.add(new String[] {"over " + rounds + " round(s)", "median", "min", "max", "median " + s.method,
            "median denominator"});
        for (String b : s.baselines) {
            RatioStats.Summary sum = RatioStats.summarize(Arrays.copyOf(kase.scores.get(s.method), rounds),
                Arrays.copyOf(kase.scores.get(b), rounds));
            rows.add(new String[] {s.method + "/" + b, ratio(sum.medianRatio()), ratio(sum.minRatio()),
                ratio(sum.maxRatio()), score(sum.medianNumerator()), score(sum.medianDenominator())});
        }
        printTable(out, rows, 0);
        if (s.profGc) {
            StringBuilder sb = new StringBuilder(ALLOC_NORM + " (B/op, median):");
            for (String m : kase.methods) {
                sb.append(m.equals(kase.methods.get(0)) ? " " : ", ").append(m).append(' ').append(decimal(RatioStats.median(Arrays.copyOf(kase.alloc.get(m), rounds))));
            }
            out.println(sb);
        }
        out.flush();
    }

    /** Right-aligned columns, except the first and the one at index {@code leftUpTo}. */
    private static void printTable(PrintStream out, List<String[]> rows, int leftUpTo) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String pad = " ".repeat(width[i] - row[i].length());
                sb.append(i == 0 ? "" : "  ").append(i <= leftUpTo ? row[i] + pad : pad + row[i]);
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    private static String score(double x) {
        if (Double.isNaN(x)) {
            return "n/a";
        }
        return Math.abs(x) >= 100 ? String.format(Locale.ROOT, "%,.0f", x) : String.format(Locale.ROOT, "%.3f", x);
    }

    private static String ratio(double x) {
        return String.format(Locale.ROOT, "%.3f", x);
    }

    private static String decimal(double x) {
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.3f", x);
    }

    /** Every setting and score as JSON; no JSON library on purpose (no new dependencies). */
    private static String json(Settings s, Target target, List<Case> cases) {
        StringBuilder j = new StringBuilder();
        j.append("{\n  \"benchmark\": ").append(q(target.className))
            .append(",\n  \"method\": ").append(q(s.method))
            .append(",\n  \"baselines\": ").append(strings(s.baselines))
            .append(",\n  \"rounds\": ").append(s.rounds)
            .append(",\n  \"warmupIterations\": ").append(s.warmupIterations)
            .append(",\n  \"warmupSeconds\": ").append(s.warmupSeconds)
            .append(",\n  \"iterations\": ").append(s.iterations)
            .append(",\n  \"seconds\": ").append(s.seconds)
            .append(",\n  \"cases\": [");
        for (int c = 0; c < cases.size(); c++) {
            Case k = cases.get(c);
            j.append(c == 0 ? "\n" : ",\n").append("    {\"params\": {");
            int i = 0;
            for (Map.Entry<String, String> e : k.params.entrySet()) {
                j.append(i++ == 0 ? "" : ", ").append(q(e.getKey())).append(": ").append(q(e.getValue()));
            }
            j.append("}, \"unit\": ").append(q(k.unit)).append(",\n     \"rounds\": [");
            for (int r = 0; r < s.rounds; r++) {
                j.append(r == 0 ? "\n" : ",\n").append("       {\"round\": ").append(r + 1)
                    .append(", \"order\": ").append(strings(k.orders.get(r))).append(", \"scores\": {");
                for (int m = 0; m < k.methods.size(); m++) {
                    String name = k.methods.get(m);
                    j.append(m == 0 ? "" : ", ").append(q(name)).append(": ").append(num(k.scores.get(name)[r]));
                }
                if (s.profGc) {
                    j.append("}, \"allocNorm\": {");
                    for (int m = 0; m < k.methods.size(); m++) {
                        String name = k.methods.get(m);
                        j.append(m == 0 ? "" : ", ").append(q(name)).append(": ").append(num(k.alloc.get(name)[r]));
                    }
                }
                j.append("}, \"ratios\": {");
                for (int b = 0; b < s.baselines.size(); b++) {
                    String name = s.baselines.get(b);
                    j.append(b == 0 ? "" : ", ").append(q(name)).append(": ")
                        .append(num(k.scores.get(s.method)[r] / k.scores.get(name)[r]));
                }
                j.append("}}");
            }
            j.append("\n     ],\n     \"summary\": {");
            for (int b = 0; b < s.baselines.size(); b++) {
                String name = s.baselines.get(b);
                RatioStats.Summary sum = RatioStats.summarize(k.scores.get(s.method), k.scores.get(name));
                j.append(b == 0 ? "\n" : ",\n").append("       ").append(q(name))
                    .append(": {\"medianRatio\": ").append(num(sum.medianRatio()))
                    .append(", \"minRatio\": ").append(num(sum.minRatio()))
                    .append(", \"maxRatio\": ").append(num(sum.maxRatio()))
                    .append(", \"medianScore\": ").append(num(sum.medianNumerator()))
                    .append(", \"medianBaselineScore\": ").append(num(sum.medianDenominator())).append('}');
            }
            j.append("\n     }}");
        }
        return j.append("\n  ]\n}\n").toString();
    }

    private static String num(double x) {
        return Double.isFinite(x) ? Double.toString(x) : "null";
    }

    private static String strings(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(q(values.get(i)));
        }
        return sb.append(']').toString();
    }

    private static String q(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** A bad command line: main prints the message and the usage and exits with 2. */
    private static final class BadArguments extends Exception {
        private static final long serialVersionUID = 1L;

        BadArguments(String message) {
            super(message);
        }
    }

    /** The parsed command line. */
    private static final class Settings {
        String pattern;
        int rounds = 5;
        String method = "luanio";
        List<String> baselines = List.of("baseline");
        final Map<String, List<String>> params = new LinkedHashMap<>();
        int warmupIterations = 2;
        int warmupSeconds = 1;
        int iterations = 3;
        int seconds = 1;
        boolean profGc;
        String json;
        boolean verbose;

        static Settings parse(String[] argv) throws BadArguments {
            Settings s = new Settings();
            for (int i = 0; i < argv.length; i++) {
                String a = argv[i];
                switch (a) {
                    case "--rounds" -> s.rounds = positive(a, value(argv, ++i, a), 1);
                    case "--method" -> s.method = value(argv, ++i, a);
                    case "--baseline" -> s.baselines = List.of(value(argv, ++i, a).split(","));
                    case "--wi" -> s.warmupIterations = positive(a, value(argv, ++i, a), 0);
                    case "--w" -> s.warmupSeconds = positive(a, value(argv, ++i, a), 1);
                    case "--i" -> s.iterations = positive(a, value(argv, ++i, a), 1);
                    case "--r" -> s.seconds = positive(a, value(argv, ++i, a), 1);
                    case "--prof-gc" -> s.profGc = true;
                    case "--json" -> s.json = value(argv, ++i, a);
                    case "--verbose" -> s.verbose = true;
                    case "-p" -> {
                        String p = value(argv, ++i, a);
                        int eq = p.indexOf('=');
                        if (eq <= 0 || eq == p.length() - 1) {
                            throw new BadArguments("-p wants name=value[,value...], not '" + p + "'");
                        }
                        s.params.put(p.substring(0, eq), List.of(p.substring(eq + 1).split(",")));
                    }
                    default -> {
                        if (a.startsWith("-")) {
                            throw new BadArguments("unknown option " + a);
                        }
                        if (s.pattern != null) {
                            throw new BadArguments("one benchmark class at a time: got '" + s.pattern + "' and '" + a + "'");
                        }
                        s.pattern = a;
                    }
                }
            }
            if (s.pattern == null) {
                throw new BadArguments("which benchmark class?");
            }
            Set<String> distinct = new LinkedHashSet<>(s.baselines);
            if (distinct.size() != s.baselines.size() || distinct.contains(s.method) || distinct.contains("")) {
                throw new BadArguments("the baselines must be distinct, non-empty and not the method: --method "
                    + s.method + " --baseline " + String.join(",", s.baselines));
            }
            return s;
        }

        private static String value(String[] argv, int i, String option) throws BadArguments {
            if (i >= argv.length) {
                throw new BadArguments(option + " needs a value");
            }
            return argv[i];
        }

        private static int positive(String option, String v, int min) throws BadArguments {
            try {
                int n = Integer.parseInt(v);
                if (n >= min) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new BadArguments(option + " wants a whole number >= " + min + ", not '" + v + "'");
        }
    }

    /** The benchmark class the pattern picks, checked against the methods and params asked for. */
    private static final class Target {
        final String className;
        /** Each method's own @Param names. */
        final Map<String, Set<String>> paramsOf = new HashMap<>();
        /** The values to combine: every param of the methods, narrowed by -p. */
        final Map<String, List<String>> params = new TreeMap<>();

        private Target(String className) {
            this.className = className;
        }

        static Target resolve(Settings s) throws BadArguments {
            Pattern pattern;
            try {
                pattern = Pattern.compile(s.pattern);
            } catch (PatternSyntaxException e) {
                throw new BadArguments("not a regular expression: " + e.getMessage());
            }
            // The list the annotation processor wrote into the jar: every benchmark, no class loading.
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            Set<BenchmarkListEntry> all = BenchmarkList.defaultList()
                .getAll(OutputFormatFactory.createFormatInstance(quiet, VerboseMode.SILENT), List.of());
            // A simple name that matches exactly wins, so BulkBenchmark never also means BulkBenchmarkFoo.
            Set<String> exact = new TreeSet<>();
            Set<String> found = new TreeSet<>();
            for (BenchmarkListEntry e : all) {
                String cls = e.getUserClassQName();
                if (cls.substring(cls.lastIndexOf('.') + 1).equals(s.pattern)) {
                    exact.add(cls);
                }
                if (pattern.matcher(cls).find()) {
                    found.add(cls);
                }
            }
            Set<String> classes = exact.isEmpty() ? found : exact;
            if (classes.size() != 1) {
                throw new BadArguments(classes.isEmpty() ? "no benchmark class matches '" + s.pattern + "'"
                    : "'" + s.pattern + "' matches " + classes.size() + " classes, pick one: " + String.join(", ", classes));
            }
            Target t = new Target(classes.iterator().next());

            Map<String, BenchmarkListEntry> methods = new TreeMap<>();
            for (BenchmarkListEntry e : all) {
                if (e.getUserClassQName().equals(t.className)
                        && methods.put(e.getUsername().substring(t.className.length() + 1), e) != null) {
                    throw new BadArguments(e.getUsername() + " runs in several modes; RatioRunner compares one");
                }
            }
            List<String> wanted = new ArrayList<>();
            wanted.add(s.method);
            wanted.addAll(s.baselines);
            for (String m : wanted) {
                BenchmarkListEntry e = methods.get(m);
                if (e == null) {
                    throw new BadArguments("no benchmark method '" + m + "' in " + t.className + "; it has: "
                        + String.join(", ", methods.keySet()));
                }
                Map<String, String[]> declared = e.getParams().orElse(Map.of());
                t.paramsOf.put(m, new TreeSet<>(declared.keySet()));
                for (Map.Entry<String, String[]> p : declared.entrySet()) {
                    t.params.putIfAbsent(p.getKey(), List.of(p.getValue()));
                }
            }
            for (Map.Entry<String, List<String>> p : s.params.entrySet()) {
                if (!t.params.containsKey(p.getKey())) {
                    throw new BadArguments("no @Param '" + p.getKey() + "' in " + String.join(", ", wanted) + " of "
                        + t.className + (t.params.isEmpty() ? "; they have none" : "; they have: "
                        + String.join(", ", t.params.keySet())));
                }
                t.params.put(p.getKey(), p.getValue());
            }
            for (Map.Entry<String, List<String>> p : t.params.entrySet()) {
                if (p.getValue().isEmpty()) {
                    throw new BadArguments("@Param '" + p.getKey() + "' lists no values; give them with -p "
                        + p.getKey() + "=...");
                }
            }
            return t;
        }
    }

    /** One combination of param values: its rounds' orders, scores and allocation. */
    private static final class Case {
        final String className;
        final Map<String, String> params;
        final List<String> methods;
        final List<List<String>> orders = new ArrayList<>();
        /** Per method, the score of each round. */
        final Map<String, double[]> scores = new HashMap<>();
        /** Per method, gc.alloc.rate.norm of each round (NaN without --prof-gc). */
        final Map<String, double[]> alloc = new HashMap<>();
        String unit;

        Case(String className, Map<String, String> params, List<String> methods, int rounds) {
            this.className = className;
            this.params = params;
            this.methods = methods;
            for (String m : methods) {
                scores.put(m, new double[rounds]);
                double[] none = new double[rounds];
                Arrays.fill(none, Double.NaN);
                alloc.put(m, none);
            }
        }

        String label() {
            StringBuilder sb = new StringBuilder();
            params.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
            return sb.toString();
        }

    }
}
