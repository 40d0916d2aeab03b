// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import dev.porta.common.SigningKeyRing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.common.AddressKey;
import dev.porta.common.RateLimiter;
import dev.porta.directory.AppRegistration;
import dev.porta.directory.ClientId;
import dev.porta.directory.Directory;
import dev.porta.directory.Member;
import dev.porta.directory.PasswordHasher;
import dev.porta.directory.RefreshTokens;
import dev.porta.directory.Tenant;
import dev.porta.directory.TenantId;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Porta's OAuth 2.0 / OpenID issuer per tenant: the token endpoint (client credentials for apps,
 * authorization code + PKCE for members), the members' sign-in page, OpenID configuration, JWKS and the
 * instance discovery answer MSAL asks for. Shapes follow reference §5.
 */
public final class TokenRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OFFLINE_ACCESS = AuthorizationCodeGrant.OFFLINE_ACCESS;
    private static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", OFFLINE_ACCESS, "email");
    /** Delegated permissions a member can give an app. */
    public static final Set<String> DELEGATED_SCOPES = Set.of("OnlineMeetings.ReadWrite", "OnlineMeetings.Read",
            "OnlineMeetingArtifact.Read.All", "OnlineMeetingRecording.Read.All");
    private static final Pattern AUTHORIZE_URL = Pattern.compile("https://[^/]+/([^/]+)/oauth2/v2\\.0/authorize/?");
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final int MAX_PARAM = FormParams.MAX_PARAM;

    private final Directory directory;
    private final TokenIssuer issuer;
    private final SigningKeyRing keys;
    private final Audiences audiences;
    private final RateLimiter failures;
    private final Supplier<String> baseUrl;
    private final Clock clock;
    /** In this process unless {@link #withAuthorizationCodes} shares them between nodes. */
    private volatile AuthorizationCodeStore codes;
    /** Redeems the codes of {@link #codes}; made anew when the codes or refresh tokens change. */
    private volatile AuthorizationCodeGrant authorizationCodes;
    /** The refresh-token grant; off until {@link #withRefreshTokens} is called. */
    private volatile RefreshTokenGrant refreshGrant;
    /** The token-exchange grant (calling tokens); off until {@link #withTokenExchange} is called. */
    private volatile TokenExchangeGrant tokenExchange;
    /** Refresh tokens for members who ask for {@code offline_access}; off until {@link #withRefreshTokens} is called. */
    private volatile RefreshTokens refreshTokens;
    /** Where failed sign-ins and client secrets are recorded; off until {@link #withAudit} is called. */
    private volatile dev.porta.directory.audit.Audit audit = dev.porta.directory.audit.Audit.off();

    /**
     * @param failures limits failed client secrets (per client id and address) and failed member
     *                 sign-ins (per user name and address)
     * @param baseUrl  Porta's public base URL ending in {@code /}
     */
    public TokenRoutes(Directory directory, TokenIssuer issuer, SigningKeyRing keys, Audiences audiences, RateLimiter failures,
                       Supplier<String> baseUrl, Clock clock) {
        this.directory = directory;
        this.issuer = issuer;
        this.keys = keys;
        this.audiences = audiences;
        this.failures = failures;
        this.baseUrl = baseUrl;
        this.clock = clock;
        this.codes = new AuthorizationCodes(clock);
        this.authorizationCodes = new AuthorizationCodeGrant(directory, issuer, codes, null, clock);
    }

    /** Turns on the token-exchange grant ({@link TokenExchangeGrant#GRANT_TYPE}); returns this. */
    public TokenRoutes withTokenExchange(TokenExchangeGrant grant) {
        this.tokenExchange = grant;
        return this;
    }

    /** Turns on refresh tokens ({@code offline_access}, {@code grant_type=refresh_token}); returns this. */
    public TokenRoutes withRefreshTokens(RefreshTokens tokens) {
        this.refreshTokens = tokens;
        this.refreshGrant = new RefreshTokenGrant(directory, issuer, tokens, failures, clock);
        this.authorizationCodes = new AuthorizationCodeGrant(directory, issuer, codes, tokens, clock);
        return this;
    }

    /**
     * Records each evaluated failed member sign-in and client secret in {@code audit}; returns this.
     * Attempts the rate limiter refuses before evaluating them are not recorded, so a flood adds no
     * more events than the limiter lets through (failed-secret-burst per account/client and address per window).
     */
    public TokenRoutes withAudit(dev.porta.directory.audit.Audit audit) {
        this.audit = audit;
        return this;
    }

    /** Keeps authorization codes in {@code store} (a cluster's shared one) instead of this process. */
    public TokenRoutes withAuthorizationCodes(AuthorizationCodeStore store) {
        this.codes = store;
        this.authorizationCodes = new AuthorizationCodeGrant(directory, issuer, store, refreshTokens, clock);
        return this;
    }

    public void register(JavalinDefaultRoutingApi r) {
        r.post("/{tenant}/oauth2/v2.0/token", this::token);
        r.get("/{tenant}/oauth2/v2.0/authorize", this::signInPage);
        r.post("/{tenant}/oauth2/v2.0/authorize", this::signIn);
        r.get("/{tenant}/v2.0/.well-known/openid-configuration", this::openIdConfiguration);
        r.get("/{tenant}/discovery/v2.0/keys", this::jwks);
        r.get("/common/discovery/instance", this::instanceDiscovery);
    }

    // ---- token endpoint

    private void token(Context ctx) {
        echoCorrelation(ctx);
        Optional<Tenant> tenant = tenant(ctx);
        if (tenant.isEmpty()) {
            OAuthError.send(ctx, clock, 400, "invalid_request", 90002, "Tenant '" + FormParams.clip(ctx.pathParam("tenant")) + "' not found.");
            return;
        }
        String grantType = ctx.formParam("grant_type");
        if (grantType == null || grantType.isBlank()) {
            OAuthError.send(ctx, clock, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        } else if (grantType.equals("client_credentials")) {
            clientCredentials(ctx, tenant.get().id());
        } else if (grantType.equals("authorization_code")) {
            authorizationCodes.handle(ctx, tenant.get().id());
        } else if (grantType.equals("refresh_token") && refreshGrant != null) {
            refreshGrant.handle(ctx, tenant.get().id());
        } else if (grantType.equals(TokenExchangeGrant.GRANT_TYPE) && tokenExchange != null) {
            tokenExchange.handle(ctx, tenant.get().id());
        } else {
            OAuthError.send(ctx, clock, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + FormParams.clip(grantType) + "'.");
        }
    }

    private void clientCredentials(Context ctx, TenantId tenant) {
        Credentials creds = credentials(ctx);
        if (creds == null) {
            return;
        }
        Optional<String> audience = appAudience(ctx);
        if (audience == null) {
            return;
        }
        // Keys hold only a parsed id, so a flood of made-up client ids cannot grow the limiter's keys.
        // The attempt is charged before the secret is checked (and given back when it is right), so a
        // parallel burst gets no more checks than the limit allows.
        Optional<ClientId> clientId = ClientId.parse(creds.clientId());
        String address = AddressKey.of(ctx.ip());
        String[] keys = {"client:" + clientId.map(ClientId::value).orElse("invalid") + "@" + address, "ip:" + address};
        if (!failures.tryAcquireAll(keys)) {
            OAuthError.tooManyAttempts(ctx, clock, failures, keys);
            return;
        }
        Optional<AppRegistration> app;
        try {
            app = clientId.flatMap(id -> directory.authenticateClient(tenant, id, creds.secret()));
        } catch (PasswordHasher.Busy e) {
            failures.refund(keys);
            busy(ctx);
            return;
        }
        if (app.isEmpty()) {
            if (creds.basic()) {
                ctx.header("WWW-Authenticate", "Basic realm=\"porta\"");
            }
            // the claimed client id only, never the secret presented
            audit.record(tenant, dev.porta.directory.audit.AuditActor.ANONYMOUS, dev.porta.directory.audit.AuditAction.CLIENT_SECRET_FAILED,
                    clientId.map(ClientId::value).orElse(FormParams.clip(creds.clientId())), ctx.ip(),
                    java.util.Map.of("grantType", "client_credentials", "authentication", creds.basic() ? "client_secret_basic" : "client_secret_post"));
            OAuthError.send(ctx, clock, 401, "invalid_client", 7000215,
                    "Invalid client credentials: the client id, the secret or its expiry did not match.");
            return;
        }
        failures.refund(keys);
        TokenIssuer.IssuedToken token = issuer.issueAppToken(app.get(), audience.get());
        TokenResponse.send(ctx, token, null);
    }

    private record Credentials(String clientId, String secret, boolean basic) { }

    /** client_secret_basic or client_secret_post, not both; answers the error itself. */
    private Credentials credentials(Context ctx) {
        String header = ctx.header("Authorization");
        String bodyId = FormParams.param(ctx, "client_id");
        String bodySecret = ctx.formParam("client_secret");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            if (bodySecret != null) {
                OAuthError.send(ctx, clock, 400, "invalid_request", 90014, "Use one client authentication method, not both.");
                return null;
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = "";
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                OAuthError.send(ctx, clock, 401, "invalid_client", 7000215, "The Authorization header is not valid Basic client authentication.");
                return null;
            }
            String id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            String secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            if (bodyId != null && !bodyId.equalsIgnoreCase(id)) {
                OAuthError.send(ctx, clock, 400, "invalid_request", 90014, "'client_id' differs from the client in the Authorization header.");
                return null;
            }
            return new Credentials(id, secret, true);
        }
        if (bodyId == null) {
            OAuthError.send(ctx, clock, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
            return null;
        }
        if (bodySecret == null || bodySecret.isEmpty()) {
            OAuthError.send(ctx, clock, 401, "invalid_client", 7000218,
                    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
            return null;
        }
        return new Credentials(bodyId, bodySecret, false);
    }

    /** The audience for an app-only token from {@code scope}; null after answering an error. */
    private Optional<String> appAudience(Context ctx) {
        String scope = ctx.formParam("scope");
        if (scope == null || scope.isBlank()) {
            OAuthError.send(ctx, clock, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
            return null;
        }
        List<String> defaults = List.of(scope.trim().split("\\s+")).stream()
                .filter(s -> !OIDC_SCOPES.contains(s)).toList();
        if (defaults.size() != 1 || !defaults.getFirst().endsWith("/.default")) {
            OAuthError.send(ctx, clock, 400, "invalid_scope", 1002012, "The provided value for scope '" + FormParams.clip(scope)
                    + "' is not valid. Client credential flows must have one scope value with /.default suffixed to the resource identifier.");
            return null;
        }
        String resource = defaults.getFirst().substring(0, defaults.getFirst().length() - "/.default".length());
        Optional<String> audience = audiences.forResource(resource);
        if (audience.isEmpty()) {
            OAuthError.send(ctx, clock, 400, "invalid_scope", 500011, "The resource '" + FormParams.clip(resource)
                    + "' was not found in this tenant; use " + Audiences.GRAPH + "/.default.");
            return null;
        }
        return audience;
    }

    /** Too many secret checks already waiting for the hasher: nothing was evaluated, so try again soon. */
    private void busy(Context ctx) {
        ctx.header("Retry-After", "1");
        OAuthError.send(ctx, clock, 503, "temporarily_unavailable", 50196, "The server is busy; try again in a moment.");
    }

    // ---- members' sign-in (authorization code + PKCE)

    /** A validated authorization request; the sign-in page and its POST both rebuild it from parameters. */
    private record AuthRequest(Tenant tenant, AppRegistration app, String redirectUri, String state, String challenge,
                               Set<String> scopes, String audience, Map<String, String> echo) { }

    private void signInPage(Context ctx) {
        AuthRequest req = authRequest(ctx, ctx::queryParam);
        if (req != null) {
            html(ctx, 200, SignInPage.render(req.tenant().displayName(), req.app().displayName(), req.echo(), ctx.queryParam("login_hint"), null));
        }
    }

    private void signIn(Context ctx) {
        AuthRequest req = authRequest(ctx, ctx::formParam);
        if (req == null) {
            return;
        }
        String user = Optional.ofNullable(ctx.formParam("username")).orElse("");
        // The per-account key is the name exactly as the lookup reads it, so spelling variants
        // (" Adele@…", "ADELE@…") share one allowance. It is charged before the password is checked.
        String[] keys = {"signin-ip:" + AddressKey.of(ctx.ip()),
                "signin:" + req.tenant().id() + ":" + Directory.userNameKey(user).map(FormParams::clip).orElse("invalid")};
        if (!failures.tryAcquireAll(keys)) {
            ctx.header("Retry-After", Long.toString(Math.max(1, failures.retryAfterAny(keys).toSeconds())));
            html(ctx, 429, SignInPage.render(req.tenant().displayName(), req.app().displayName(), req.echo(), user,
                    "Too many failed sign-ins. Wait a minute and try again."));
            return;
        }
        Optional<Member> member;
        try {
            member = directory.authenticateMember(req.tenant().id(), user, ctx.formParam("password"));
        } catch (PasswordHasher.Busy e) {
            failures.refund(keys);
            ctx.header("Retry-After", "1");
            html(ctx, 503, SignInPage.render(req.tenant().displayName(), req.app().displayName(), req.echo(), user,
                    "The server is busy. Try again in a moment."));
            return;
        }
        if (member.isEmpty()) {
            // the user name as sign-in reads it and the app, never the password typed
            audit.record(req.tenant().id(), dev.porta.directory.audit.AuditActor.ANONYMOUS,
                    dev.porta.directory.audit.AuditAction.MEMBER_SIGN_IN_FAILED,
                    Directory.userNameKey(user).orElse(FormParams.clip(user)), ctx.ip(),
                    java.util.Map.of("appId", req.app().clientId().value()));
            html(ctx, 401, SignInPage.render(req.tenant().displayName(), req.app().displayName(), req.echo(), user,
                    "Wrong user name or password."));
            return;
        }
        failures.refund(keys);
        Optional<String> code = codes.issue(req.tenant().id(), req.app().clientId(), member.get().id(), req.redirectUri(),
                req.challenge(), req.scopes(), req.audience());
        if (code.isEmpty()) {
            ctx.header("Retry-After", "60");
            html(ctx, 503, SignInPage.render(req.tenant().displayName(), req.app().displayName(), req.echo(), user,
                    "Too many sign-ins are waiting to complete. Try again in a few minutes."));
            return;
        }
        Map<String, String> result = new LinkedHashMap<>();
        result.put("code", code.get());
        if (req.state() != null) {
            result.put("state", req.state());
        }
        ctx.header("Cache-Control", "no-store").redirect(withQuery(req.redirectUri(), result), io.javalin.http.HttpStatus.FOUND);
    }

    /**
     * Validates an authorization request. Errors about the client or redirect URI are shown on the page
     * (never redirected to an unregistered URI); the others go back to the app as {@code error=}.
     */
    private AuthRequest authRequest(Context ctx, java.util.function.Function<String, String> params) {
        Optional<Tenant> tenant = tenant(ctx);
        Optional<AppRegistration> app = tenant.flatMap(t -> ClientId.parse(params.apply("client_id")).flatMap(id -> directory.app(t.id(), id)));
        String redirectUri = params.apply("redirect_uri");
        if (tenant.isEmpty() || app.isEmpty()) {
            html(ctx, 400, SignInPage.errorPage("Unknown tenant or application (client_id)."));
            return null;
        }
        if (redirectUri == null || !app.get().redirectUris().contains(redirectUri)) {
            html(ctx, 400, SignInPage.errorPage("The redirect_uri is not registered for this application."));
            return null;
        }
        String state = params.apply("state");
        if (state != null && state.length() > MAX_PARAM) {
            state = null;
        }
        Map<String, String> back = new LinkedHashMap<>();
        if (state != null) {
            back.put("state", state);
        }
        if (!"code".equals(params.apply("response_type"))) {
            back.put("error", "unsupported_response_type");
            back.put("error_description", "Only response_type=code is supported.");
            ctx.redirect(withQuery(redirectUri, back), io.javalin.http.HttpStatus.FOUND);
            return null;
        }
        String challenge = params.apply("code_challenge");
        if (challenge == null || !CHALLENGE.matcher(challenge).matches() || !"S256".equals(params.apply("code_challenge_method"))) {
            back.put("error", "invalid_request");
            back.put("error_description", "PKCE is required: code_challenge with code_challenge_method=S256.");
            ctx.redirect(withQuery(redirectUri, back), io.javalin.http.HttpStatus.FOUND);
            return null;
        }
        Set<String> scopes = new LinkedHashSet<>();
        String audience = Audiences.GRAPH;
        String scopeParam = Optional.ofNullable(params.apply("scope")).orElse("");
        boolean bad = scopeParam.length() > MAX_PARAM;
        boolean offline = false;
        for (String s : scopeParam.trim().split("\\s+")) {
            offline |= s.equals(OFFLINE_ACCESS);
            if (s.isEmpty() || OIDC_SCOPES.contains(s)) {
                continue;
            }
            int slash = s.lastIndexOf('/');
            if (slash > 0) {
                Optional<String> aud = audiences.forResource(s.substring(0, slash));
                if (aud.isEmpty()) {
                    bad = true;
                    continue;
                }
                audience = aud.get();
                s = s.substring(slash + 1);
            }
            if (s.equals(".default")) {
                scopes.add("OnlineMeetings.ReadWrite");
            } else if (DELEGATED_SCOPES.contains(s)) {
                scopes.add(s);
            } else {
                bad = true;
            }
        }
        if (bad || scopes.isEmpty()) {
            back.put("error", "invalid_scope");
            back.put("error_description", "Ask for OnlineMeetings.ReadWrite or OnlineMeetings.Read.");
            ctx.redirect(withQuery(redirectUri, back), io.javalin.http.HttpStatus.FOUND);
            return null;
        }
        if (offline) {
            scopes.add(OFFLINE_ACCESS); // a marker the token endpoint takes out again (refresh token wanted)
        }
        Map<String, String> echo = new LinkedHashMap<>();
        for (String k : List.of("client_id", "redirect_uri", "response_type", "scope", "code_challenge", "code_challenge_method")) {
            echo.put(k, params.apply(k));
        }
        echo.put("state", state);
        return new AuthRequest(tenant.get(), app.get(), redirectUri, state, challenge, scopes, audience, echo);
    }

    // ---- discovery

    private void openIdConfiguration(Context ctx) {
        Optional<Tenant> tenant = tenant(ctx);
        if (tenant.isEmpty()) {
            OAuthError.send(ctx, clock, 400, "invalid_tenant", 90002, "Tenant '" + FormParams.clip(ctx.pathParam("tenant")) + "' not found.");
            return;
        }
        String base = baseUrl.get() + tenant.get().id().value();
        ObjectNode doc = JSON.createObjectNode();
        doc.put("issuer", issuer.issuer(tenant.get().id()));
        doc.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
        doc.put("token_endpoint", base + "/oauth2/v2.0/token");
        doc.put("jwks_uri", base + "/discovery/v2.0/keys");
        array(doc, "token_endpoint_auth_methods_supported", "client_secret_post", "client_secret_basic", "none");
        List<String> grants = new java.util.ArrayList<>(List.of("client_credentials", "authorization_code"));
        if (refreshTokens != null) {
            grants.add("refresh_token");
        }
        if (tokenExchange != null) {
            grants.add(TokenExchangeGrant.GRANT_TYPE);
        }
        array(doc, "grant_types_supported", grants.toArray(String[]::new));
        array(doc, "response_types_supported", "code");
        array(doc, "response_modes_supported", "query");
        array(doc, "code_challenge_methods_supported", "S256");
        array(doc, "id_token_signing_alg_values_supported", "RS256");
        array(doc, "subject_types_supported", "pairwise");
        array(doc, "scopes_supported", "openid", "profile", "offline_access", "OnlineMeetings.ReadWrite", "OnlineMeetings.Read");
        array(doc, "claims_supported", "sub", "iss", "aud", "exp", "iat", "nbf", "tid", "oid", "appid", "azp", "roles", "scp",
                "idtyp", "name", "preferred_username", "upn", "uti", "ver");
        doc.put("tenant_region_scope", "porta");
        ctx.contentType("application/json; charset=utf-8").result(doc.toString());
    }

    private void jwks(Context ctx) {
        ctx.header("Cache-Control", "max-age=3600").contentType("application/json; charset=utf-8")
                .result(keys.publicJwks().toString());
    }

    /** MSAL's instance discovery: only {@code tenant_discovery_endpoint} is needed (reference §5.4). */
    private void instanceDiscovery(Context ctx) {
        String endpoint = Optional.ofNullable(ctx.queryParam("authorization_endpoint")).orElse("");
        Matcher m = AUTHORIZE_URL.matcher(endpoint);
        String tenant = m.matches() ? m.group(1) : "common";
        if (TenantId.parse(tenant).flatMap(directory::tenant).isEmpty()) {
            OAuthError.send(ctx, clock, 400, "invalid_instance", 50049, "Unknown or invalid instance.");
            return;
        }
        String host = URI.create(baseUrl.get()).getAuthority();
        ObjectNode doc = JSON.createObjectNode();
        doc.put("tenant_discovery_endpoint", baseUrl.get() + tenant + "/v2.0/.well-known/openid-configuration");
        doc.put("api-version", "1.1");
        ObjectNode meta = doc.putArray("metadata").addObject();
        meta.put("preferred_network", host);
        meta.put("preferred_cache", host);
        meta.putArray("aliases").add(host);
        ctx.contentType("application/json; charset=utf-8").result(doc.toString());
    }

    // ---- helpers

    private Optional<Tenant> tenant(Context ctx) {
        return TenantId.parse(ctx.pathParam("tenant")).flatMap(directory::tenant);
    }

    private static void echoCorrelation(Context ctx) {
        String id = ctx.header("client-request-id");
        if (id != null && id.matches("[A-Za-z0-9-]{1,64}")) {
            ctx.header("client-request-id", id);
        }
    }

    private static void html(Context ctx, int status, String page) {
        ctx.status(status)
                .header("Cache-Control", "no-store")
                .header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
                .header("Referrer-Policy", "no-referrer")
                .html(page);
    }

    private static String withQuery(String uri, Map<String, String> params) {
        StringBuilder b = new StringBuilder(uri).append(uri.contains("?") ? '&' : '?');
        params.forEach((k, v) -> b.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        b.setLength(b.length() - 1);
        return b.toString();
    }

    private static void array(ObjectNode doc, String name, String... values) {
        ArrayNode a = doc.putArray(name);
        for (String v : values) {
            a.add(v);
        }
    }
}
