package io.luanio.lua.luat;

import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites Lua 5.1 source so that LuaJ's Lua 5.2 compiler gives it Lua 5.1 meaning, without
 * moving any line (error messages and tracebacks keep their line numbers).
 *
 * <p>Two rewrites, both inserted on the line they belong to:
 * <ul>
 *   <li><b>Implicit {@code arg}.</b> A function whose parameter list has {@code ...} and whose
 *       own body (nested functions aside) never uses {@code ...} gets
 *       {@code local arg = {n = select('#', ...), ...};} right after its parameter list, as
 *       Lua 5.1 compiled with {@code LUA_COMPAT_VARARG} does ({@code sys.lua} relies on it).
 *       LuaJ's parser marks such a function vararg but never creates the local. The
 *       {@code select} used is captured once at the top of the chunk, so functions whose
 *       environment became a module table without {@code package.seeall} still work.</li>
 *   <li><b>{@code module}.</b> A {@code module(...)} or {@code module "name"} call that is a
 *       statement at the top level of the chunk becomes {@code local _ENV = module(...)}: the
 *       rest of the chunk, and every function it defines afterwards, sees the module table
 *       as its environment, which is what Lua 5.1's {@code setfenv} in {@code module} did.
 *       A {@code module} call anywhere else is left alone.</li>
 * </ul>
 *
 * <p>The scanner is a real Lua tokenizer (short strings with escapes, long strings and long
 * comments with levels, numbers, {@code ...}); it tracks only what these rewrites need: the
 * nesting of {@code function}/{@code if}/{@code do} ... {@code end}. Source it cannot follow
 * (a syntax error) is returned unchanged, so the compiler reports the real error.
 *
 * <p>Source is a string of bytes (one char per byte, ISO-8859-1), so string literals in any
 * encoding pass through untouched.
 */
public final class Lua51Source {
    /** The local the rewritten chunk keeps {@code select} in. */
    static final String SELECT = "__luanio_select";
    static final String CAPTURE = "local " + SELECT + " = select; ";
    static final String ARG = " local arg = {n = " + SELECT + "('#', ...), ...};";
    static final String MODULE = "local _ENV = ";

    private Lua51Source() {
    }

    /**
     * Rewrites one chunk.
     *
     * @param source the chunk's bytes as ISO-8859-1 characters
     * @return the rewritten chunk, or {@code source} itself when nothing needs rewriting
     */
    public static String translate(String source) {
        List<Insert> inserts;
        try {
            inserts = new Scanner(source).scan();
        } catch (SyntaxException e) {
            return source;
        }
        if (inserts.isEmpty()) {
            return source;
        }
        boolean needsSelect = false;
        for (Insert insert : inserts) {
            needsSelect |= ARG.equals(insert.text);
        }
        StringBuilder out = new StringBuilder(source.length() + 64 * inserts.size());
        int from = 0;
        if (needsSelect) {
            int top = chunkStart(source);
            out.append(source, 0, top).append(CAPTURE);
            from = top;
        }
        for (Insert insert : inserts) {
            out.append(source, from, insert.at).append(insert.text);
            from = insert.at;
        }
        return out.append(source, from, source.length()).toString();
    }

    /** Where the first statement may go: after a {@code #!} line, as {@code loadfile} skips it. */
    private static int chunkStart(String s) {
        if (!s.startsWith("#")) {
            return 0;
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s.length() : nl + 1;
    }

    /** A text to insert before character {@code at}. */
    private static final class Insert {
        final int at;
        final String text;

        Insert(int at, String text) {
            this.at = at;
            this.text = text;
        }
    }

    /** Source the scanner cannot follow; the compiler will say why. */
    private static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException() {
            super(null, null, false, false);
        }
    }

    /** One open construct that an {@code end} closes. */
    private static final class Frame {
        final boolean function;
        final boolean vararg;
        final int argAt;
        boolean usesVararg;

        Frame(boolean function, boolean vararg, int argAt) {
            this.function = function;
            this.vararg = vararg;
            this.argAt = argAt;
        }
    }

    /** Token kinds. */
    static final int EOF = 0;
    static final int NAME = 1;
    static final int KEYWORD = 2;
    static final int NUMBER = 3;
    static final int STRING = 4;
    static final int VARARG = 5;
    static final int OP = 6;

    /** The tokenizer plus the little structure the rewrites need. */
    static final class Scanner {
        private final String s;
        private int pos;
        /** The current token. */
        int type;
        int start;
        int end;
        /** The token before the current one (for "is this a statement start"). */
        private int prevType = EOF;
        private String prevText = "";

        Scanner(String source) {
            this.s = source;
            if (s.startsWith("#")) {
                int nl = s.indexOf('\n');
                pos = nl < 0 ? s.length() : nl; // loadfile skips a first line starting with '#'
            }
        }

        String text() {
            return s.substring(start, end);
        }

        List<Insert> scan() throws SyntaxException {
            List<Insert> inserts = new ArrayList<>();
            List<Frame> stack = new ArrayList<>();
            next();
            while (type != EOF) {
                if (type == KEYWORD) {
                    String k = text();
                    switch (k) {
                        case "function":
                            stack.add(functionHeader());
                            continue; // functionHeader() has moved past the ')'
                        case "if":
                        case "do":
                            stack.add(new Frame(false, false, -1));
                            break;
                        case "end":
                            if (stack.isEmpty()) {
                                throw new SyntaxException();
                            }
                            Frame f = stack.remove(stack.size() - 1);
                            if (f.function && f.vararg && !f.usesVararg) {
                                inserts.add(new Insert(f.argAt, ARG));
                            }
                            break;
                        default:
                            break;
                    }
                } else if (type == VARARG) {
                    Frame f = innermostFunction(stack);
                    if (f != null) {
                        f.usesVararg = true;
                    }
                } else if (type == NAME && stack.isEmpty() && "module".equals(text()) && statementStart()) {
                    int at = start;
                    next();
                    if (type == STRING || (type == OP && "(".equals(text()))) {
                        inserts.add(new Insert(at, MODULE));
                    }
                    continue;
                }
                next();
            }
            if (!stack.isEmpty()) {
                throw new SyntaxException();
            }
            inserts.sort((a, b) -> Integer.compare(a.at, b.at));
            return inserts;
        }

        private static Frame innermostFunction(List<Frame> stack) {
            for (int i = stack.size() - 1; i >= 0; i--) {
                if (stack.get(i).function) {
                    return stack.get(i);
                }
            }
            return null; // the main chunk: its '...' needs nothing
        }

        /** At 'function': skips the name and the parameter list; leaves the token after ')'. */
        private Frame functionHeader() throws SyntaxException {
            next();
            while (type == NAME || (type == OP && (".".equals(text()) || ":".equals(text())))) {
                next();
            }
            if (type != OP || !"(".equals(text())) {
                throw new SyntaxException();
            }
            boolean vararg = false;
            next();
            while (!(type == OP && ")".equals(text()))) {
                if (type == VARARG) {
                    vararg = true;
                } else if (type != NAME && !(type == OP && ",".equals(text()))) {
                    throw new SyntaxException();
                }
                next();
            }
            Frame f = new Frame(true, vararg, end);
            next();
            return f;
        }

        /**
         * Whether the current name starts a statement: the token before it ends a statement
         * or a block opener, or there is none.
         */
        private boolean statementStart() {
            switch (prevType) {
                case EOF:
                case NAME:
                case NUMBER:
                case STRING:
                case VARARG:
                    return true;
                case KEYWORD:
                    switch (prevText) {
                        case "end":
                        case "true":
                        case "false":
                        case "nil":
                        case "do":
                        case "then":
                        case "else":
                        case "repeat":
                            return true;
                        default:
                            return false; // return, local, and, or, not, in, ...
                    }
                case OP:
                    return ";".equals(prevText) || ")".equals(prevText) || "]".equals(prevText) || "}".equals(prevText);
                default:
                    return false;
            }
        }

        /** Advances to the next token, skipping white space and comments. */
        void next() throws SyntaxException {
            if (type != EOF || end > 0) {
                prevType = type;
                prevText = (type == KEYWORD || type == OP) ? text() : "";
            }
            skipSpaceAndComments();
            start = pos;
            if (pos >= s.length()) {
                type = EOF;
                end = pos;
                return;
            }
            char c = s.charAt(pos);
            if (isNameStart(c)) {
                while (pos < s.length() && isNamePart(s.charAt(pos))) {
                    pos++;
                }
                end = pos;
                type = isKeyword(s.substring(start, end)) ? KEYWORD : NAME;
            } else if (isDigit(c) || (c == '.' && pos + 1 < s.length() && isDigit(s.charAt(pos + 1)))) {
                number();
            } else if (c == '"' || c == '\'') {
                shortString(c);
            } else if (c == '[' && longBracketLevel(pos) >= 0) {
                longBracket(longBracketLevel(pos));
                type = STRING;
                end = pos;
            } else if (s.startsWith("...", pos)) {
                pos += 3;
                end = pos;
                type = VARARG;
            } else {
                pos += operatorLength(c);
                end = pos;
                type = OP;
            }
        }

        private int operatorLength(char c) {
            if (pos + 1 < s.length()) {
                char d = s.charAt(pos + 1);
                if ((c == '.' && d == '.') || (c == ':' && d == ':') || (d == '=' && (c == '=' || c == '~' || c == '<' || c == '>'))) {
                    return 2;
                }
            }
            return 1;
        }

        private void skipSpaceAndComments() throws SyntaxException {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0x0B) {
                    pos++;
                } else if (c == '-' && s.startsWith("--", pos)) {
                    pos += 2;
                    int level = pos < s.length() && s.charAt(pos) == '[' ? longBracketLevel(pos) : -1;
                    if (level >= 0) {
                        longBracket(level);
                    } else {
                        while (pos < s.length() && s.charAt(pos) != '\n' && s.charAt(pos) != '\r') {
                            pos++;
                        }
                    }
                } else {
                    return;
                }
            }
        }

        /** At '[': the level of a long bracket {@code [==[}, or -1 when it is not one. */
        private int longBracketLevel(int at) {
            int i = at + 1;
            while (i < s.length() && s.charAt(i) == '=') {
                i++;
            }
            return i < s.length() && s.charAt(i) == '[' ? i - at - 1 : -1;
        }

        /** At an opening long bracket of {@code level}: moves past its closing bracket. */
        private void longBracket(int level) throws SyntaxException {
            StringBuilder close = new StringBuilder("]");
            for (int i = 0; i < level; i++) {
                close.append('=');
            }
            close.append(']');
            int at = s.indexOf(close.toString(), pos + level + 2);
            if (at < 0) {
                throw new SyntaxException();
            }
            pos = at + close.length();
        }

        private void shortString(char quote) throws SyntaxException {
            pos++;
            while (true) {
                if (pos >= s.length()) {
                    throw new SyntaxException();
                }
                char c = s.charAt(pos);
                if (c == quote) {
                    pos++;
                    break;
                } else if (c == '\\') {
                    pos += 2; // the escaped character, whatever it is (a newline included)
                } else if (c == '\n' || c == '\r') {
                    throw new SyntaxException();
                } else {
                    pos++;
                }
            }
            end = Math.min(pos, s.length());
            pos = end;
            type = STRING;
        }

        private void number() {
            boolean hex = s.charAt(pos) == '0' && pos + 1 < s.length() && (s.charAt(pos + 1) == 'x' || s.charAt(pos + 1) == 'X');
            if (hex) {
                pos += 2;
            }
            while (pos < s.length()) {
                char c = s.charAt(pos);
                boolean exponent = hex ? (c == 'p' || c == 'P') : (c == 'e' || c == 'E');
                if (exponent && pos + 1 < s.length() && (s.charAt(pos + 1) == '+' || s.charAt(pos + 1) == '-')) {
                    pos += 2;
                } else if (isNamePart(c) || c == '.') {
                    pos++;
                } else {
                    break;
                }
            }
            end = pos;
            type = NUMBER;
        }

        private static boolean isNameStart(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        }

        private static boolean isNamePart(char c) {
            return isNameStart(c) || isDigit(c);
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isKeyword(String w) {
            switch (w) {
                case "and":
                case "break":
                case "do":
                case "else":
                case "elseif":
                case "end":
                case "false":
                case "for":
                case "function":
                case "goto":
                case "if":
                case "in":
                case "local":
                case "nil":
                case "not":
                case "or":
                case "repeat":
                case "return":
                case "then":
                case "true":
                case "until":
                case "while":
                    return true;
                default:
                    return false;
            }
        }
    }
}
