// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import java.util.Map;

/** Porta's own sign-in page for members: a plain form, every value HTML-escaped. */
final class SignInPage {
    private SignInPage() { }

    static String render(String tenantName, String appName, Map<String, String> hidden, String userName, String error) {
        StringBuilder fields = new StringBuilder();
        hidden.forEach((k, v) -> {
            if (v != null) {
                fields.append("<input type=\"hidden\" name=\"").append(escape(k)).append("\" value=\"").append(escape(v)).append("\">\n");
            }
        });
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Sign in to %s</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}
                label,input,button{display:block;width:100%%;margin:.4rem 0}input,button{padding:.5rem;box-sizing:border-box}
                .error{color:#a4262c}</style></head>
                <body><h1>Sign in</h1><p>to <strong>%s</strong> for <strong>%s</strong></p>
                %s<form method="post">
                %s<label for="username">User name</label>
                <input id="username" name="username" type="email" autocomplete="username" required value="%s">
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required>
                <button type="submit">Sign in</button></form></body></html>
                """.formatted(escape(tenantName), escape(tenantName), escape(appName),
                error == null ? "" : "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>",
                fields, escape(userName == null ? "" : userName));
    }

    static String errorPage(String message) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in error</title></head>"
                + "<body><h1>Sign-in error</h1><p>" + escape(message) + "</p></body></html>";
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
