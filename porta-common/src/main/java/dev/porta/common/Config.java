// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Porta's configuration: the commented reference file (every key with its default), then an optional
 * user file, then environment variables ({@code PORTA_HTTP_PORT} overrides {@code http.port}).
 *
 * <p>Only keys of the reference file exist: a user file or environment variable naming an unknown key
 * fails start-up, so a typo never silently falls back to a default. Typed getters fail with a
 * {@link ConfigException} that names the key.
 */
public final class Config {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final String ENV_PREFIX = "PORTA_";

    private final Map<String, String> values;

    private Config(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Loads the reference file from the classpath resource {@code referenceResource}. */
    public static Config load(String referenceResource, Path userFile, Map<String, String> env) {
        Map<String, String> merged = new TreeMap<>(readResource(referenceResource));
        if (userFile != null) {
            overlay(merged, readFile(userFile), "file " + userFile);
        }
        overlay(merged, fromEnvironment(env, merged), "environment");
        return new Config(merged);
    }

    /** A config from explicit values only; for tests and tools. */
    public static Config of(Map<String, String> values) {
        return new Config(new TreeMap<>(values));
    }

    /** This config with some keys replaced; each key must already exist. */
    public Config with(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(values);
        overlay(merged, overrides, "override");
        return new Config(merged);
    }

    public String string(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new ConfigException(key, "is not set");
        }
        return v.trim();
    }

    public boolean has(String key) {
        return values.containsKey(key) && !values.get(key).isBlank();
    }

    public int integer(String key) {
        String v = string(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "expected a whole number, got '" + v + "'");
        }
    }

    public int integer(String key, int min, int max) {
        int v = integer(key);
        if (v < min || v > max) {
            throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    public boolean bool(String key) {
        String v = string(key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(key, "expected true or false, got '" + v + "'");
        };
    }

    /** Durations are written {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h} or {@code 1d}. */
    public Duration duration(String key) {
        String v = string(key);
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new ConfigException(key, "expected a duration such as 30s, 10m or 2h, got '" + v + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** A comma-separated list; empty when the value is blank. */
    public List<String> list(String key) {
        String v = string(key);
        if (v.isBlank()) {
            return List.of();
        }
        return List.of(v.split("\\s*,\\s*"));
    }

    /** Every key and value, for {@code porta config} and diagnostics. */
    public Map<String, String> asMap() {
        return values;
    }

    private static void overlay(Map<String, String> target, Map<String, String> source, String origin) {
        for (var e : source.entrySet()) {
            if (!target.containsKey(e.getKey())) {
                throw new ConfigException(e.getKey(), "unknown key (from " + origin + ")");
            }
            target.put(e.getKey(), e.getValue());
        }
    }

    private static Map<String, String> fromEnvironment(Map<String, String> env, Map<String, String> known) {
        Map<String, String> byEnvName = new LinkedHashMap<>();
        for (String key : known.keySet()) {
            byEnvName.put(envName(key), key);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : env.entrySet()) {
            String key = byEnvName.get(e.getKey());
            if (key != null) {
                out.put(key, e.getValue());
            }
        }
        return out;
    }

    /** {@code http.port} is overridden by {@code PORTA_HTTP_PORT}; dots and dashes become underscores. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Map<String, String> readResource(String resource) {
        try (InputStream in = Config.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("reference config " + resource + " is not on the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    private static Map<String, String> readFile(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("(file)", "cannot read config file " + file + ": " + e.getMessage());
        }
    }

    /** Parses {@code key = value} lines; {@code #} starts a comment line. */
    public static Map<String, String> parse(String text) {
        Properties p = new Properties();
        try (Reader r = new StringReader(text)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> out = new TreeMap<>();
        p.forEach((k, v) -> out.put(k.toString().trim(), v.toString().trim()));
        return out;
    }
}
