// SPDX-License-Identifier: Apache-2.0
package dev.porta.common;

/** A configuration value is missing or invalid; the message always names the key. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super("config key '" + key + "': " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
