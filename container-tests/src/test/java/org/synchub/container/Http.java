package org.synchub.container;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads JSON from a server on 127.0.0.1 (the probe servlet). Blocking, with a 10 s timeout per request. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build(); // no h2c upgrade: see example AppServer

    private Http() {
    }

    /** The JSON object at {@code uri}; fails unless the status is 200. */
    public static JsonObject json(URI uri) {
        if (!"127.0.0.1".equals(uri.getHost())) {
            throw new IllegalArgumentException(uri + ": the tests talk to 127.0.0.1 only");
        }
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + uri + " -> " + r.statusCode() + ": " + r.body());
            }
            return Json.createReader(new StringReader(r.body())).readObject();
        } catch (IOException e) {
            throw new IllegalStateException("GET " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Whether {@code uri} answers 200 with a JSON object whose {@code ready} is true (false on any failure). */
    public static boolean ready(URI uri) {
        try {
            return json(uri).getBoolean("ready", false);
        } catch (RuntimeException notYet) {
            return false;
        }
    }
}
