package io.luanio.lua;

/**
 * Ends a script from inside it ({@code os.exit}, {@code rtos.restart}). An {@link Error},
 * so {@code pcall} does not stop it; the runner turns it into the script's exit status.
 */
public final class ScriptExit extends Error {
    private static final long serialVersionUID = 1L;
    private final int status;

    /**
     * Creates an exit.
     *
     * @param status the exit status (0 success)
     * @param message why, or null
     */
    public ScriptExit(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** @return the exit status */
    public int status() {
        return status;
    }
}
