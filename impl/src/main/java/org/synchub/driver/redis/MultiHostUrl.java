package org.synchub.driver.redis;

import org.synchub.SyncConfigurationException;
import org.synchub.internal.Redaction;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Redis URL naming several servers: {@code <scheme>://[[user]:password@]host:port[,host:port...][/path]}, as
 * used by {@code redis-sentinel://} and {@code redis-cluster://} (and their TLS forms {@code rediss-sentinel://},
 * {@code rediss-cluster://}). The port defaults to the scheme's default; user and password are percent-decoded; IPv6
 * hosts are written in brackets. Parsing fails with a {@link SyncConfigurationException} naming the key.
 *
 * @param scheme   the scheme, lower case
 * @param hosts    the servers, at least one, in the order given
 * @param path     the path segments after the hosts (empty when none)
 * @param user     the user, or null
 * @param password the password, or null
 * @param tls      whether the scheme asks for TLS
 */
record MultiHostUrl(String scheme, List<HostAndPort> hosts, List<String> path, String user, String password,
                    boolean tls) {

    /**
     * Parses {@code url}.
     *
     * @param key         the configuration key, for messages
     * @param url         the URL
     * @param scheme      the plain scheme expected, such as {@code redis-sentinel} (its TLS form has {@code rediss})
     * @param defaultPort the port of a host given without one
     * @param form        the expected form, for messages
     * @return the parsed URL
     * @throws SyncConfigurationException naming {@code key} when {@code url} does not have the form
     */
    static MultiHostUrl parse(String key, String url, String scheme, int defaultPort, String form) {
        String safe = Redaction.url(url);
        String text = url.trim();
        int sep = text.indexOf("://");
        String given = sep < 0 ? "" : text.substring(0, sep).toLowerCase(Locale.ROOT);
        String tlsScheme = "rediss" + scheme.substring("redis".length());
        if (!given.equals(scheme) && !given.equals(tlsScheme)) {
            throw new SyncConfigurationException(key, "'" + safe + "' must start with " + scheme + "://, expected "
                    + form);
        }
        String rest = text.substring(sep + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String pathText = slash < 0 ? "" : rest.substring(slash + 1);
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = decodedUserInfo(key, safe, authority.substring(0, at));
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                password = userInfo;
            } else {
                user = colon == 0 ? null : userInfo.substring(0, colon);
                password = userInfo.substring(colon + 1);
            }
            if (password != null && password.isEmpty()) {
                password = null;
            }
        }
        List<HostAndPort> hosts = new ArrayList<>();
        for (String entry : authority.split(",", -1)) {
            hosts.add(hostAndPort(key, safe, entry.trim(), defaultPort, form));
        }
        List<String> path = new ArrayList<>();
        for (String segment : pathText.split("/")) {
            if (!segment.isEmpty()) {
                path.add(segment);
            }
        }
        return new MultiHostUrl(given, List.copyOf(hosts), List.copyOf(path), user, password,
                given.equals(tlsScheme));
    }

    /** @return a client configuration with this URL's credentials and TLS, database {@code db} */
    JedisClientConfig config(int db) {
        return DefaultJedisClientConfig.builder().user(user).password(password).database(db).ssl(tls).build();
    }

    /** @return the URL without its password, for messages */
    String describe() {
        StringBuilder out = new StringBuilder(scheme).append("://");
        if (password != null) {
            out.append("***@");
        }
        for (int i = 0; i < hosts.size(); i++) {
            out.append(i == 0 ? "" : ",").append(hosts.get(i));
        }
        for (String segment : path) {
            out.append('/').append(segment);
        }
        return out.toString();
    }

    private static String decodedUserInfo(String key, String safe, String raw) {
        try {
            return new URI("redis://" + raw + "@h").getUserInfo();
        } catch (URISyntaxException e) {
            throw new SyncConfigurationException(key, "'" + safe + "': the user and password are not valid URL "
                    + "text (" + e.getReason() + "); percent-encode reserved characters", e);
        }
    }

    private static HostAndPort hostAndPort(String key, String safe, String entry, int defaultPort, String form) {
        if (entry.isEmpty()) {
            throw new SyncConfigurationException(key, "'" + safe + "' has an empty host; expected " + form);
        }
        String host;
        String port = null;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw new SyncConfigurationException(key, "'" + safe + "': '" + entry + "' has no closing ']'");
            }
            host = entry.substring(1, close);
            if (entry.length() > close + 1) {
                if (entry.charAt(close + 1) != ':') {
                    throw new SyncConfigurationException(key, "'" + safe + "': '" + entry + "' is not [host]:port");
                }
                port = entry.substring(close + 2);
            }
        } else {
            int colon = entry.lastIndexOf(':');
            host = colon < 0 ? entry : entry.substring(0, colon);
            port = colon < 0 ? null : entry.substring(colon + 1);
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9._:%-]+")) {
            throw new SyncConfigurationException(key, "'" + safe + "': '" + entry + "' is not a host name or "
                    + "address; expected " + form);
        }
        int number = defaultPort;
        if (port != null) {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                number = -1;
            }
            if (number < 1 || number > 65535) {
                throw new SyncConfigurationException(key, "'" + safe + "': the port of '" + entry
                        + "' must be a number from 1 to 65535");
            }
        }
        return new HostAndPort(host, number);
    }
}
