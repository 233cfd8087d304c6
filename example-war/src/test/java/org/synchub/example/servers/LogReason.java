package org.synchub.example.servers;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the one line that says why a server failed in its console log: SyncHub's own configuration error if there
 * is one (it names the key and the fix), else the innermost cause of the log's first stack trace, else its first
 * error line. Pure function of the lines; colour codes are ignored.
 */
final class LogReason {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final Pattern CONFIG = Pattern.compile("SyncConfigurationException: (.+)");
    private static final Pattern CAUSE = Pattern.compile("^\\s*Caused by: [\\w.$]+: (.+)$");
    private static final Pattern STACK = Pattern.compile("^\\s*(at |\\.\\.\\. \\d+ more|Caused by: ).*");
    private static final Pattern ERROR = Pattern.compile("\\b(ERROR|SEVERE)\\b.*");
    private static final int MAX = 400;

    private LogReason() {
    }

    /**
     * @param lines a server's console log
     * @return the one-line reason, if the log states one
     */
    static Optional<String> of(List<String> lines) {
        List<String> plain = lines.stream().map(l -> ANSI.matcher(l).replaceAll("")).toList();
        for (String line : plain) {
            Matcher m = CONFIG.matcher(line);
            if (m.find()) {
                return Optional.of(shorten(m.group(1)));
            }
        }
        String innermost = null;
        for (String line : plain) {
            Matcher m = CAUSE.matcher(line);
            if (m.matches()) {
                innermost = m.group(1);
            } else if (innermost != null && !STACK.matcher(line).matches()) {
                break; // the end of the first stack trace
            }
        }
        if (innermost != null) {
            return Optional.of(shorten(innermost));
        }
        for (String line : plain) {
            Matcher m = ERROR.matcher(line);
            if (m.find()) {
                return Optional.of(shorten(m.group()));
            }
        }
        return Optional.empty();
    }

    private static String shorten(String text) {
        String one = text.strip();
        return one.length() <= MAX ? one : one.substring(0, MAX) + "...";
    }
}
