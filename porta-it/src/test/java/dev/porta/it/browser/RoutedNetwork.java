// SPDX-License-Identifier: Apache-2.0
package dev.porta.it.browser;

import dev.porta.common.testing.RequiredService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small routed network of the test's own, built from the test JVM's loopback-only namespace (which
 * becomes the "public" side):
 * <pre>
 *   public (this JVM: Porta)      nat                         home (a guest's browser)
 *   pub0 198.51.100.10/24 ── veth ── wan0 198.51.100.20/24
 *                                   lan0 192.168.50.1/24 ── veth ── eth0 192.168.50.10/24, default via .1
 * </pre>
 * The nat namespace forwards and masquerades everything leaving by wan0 (nftables; UDP flows counted
 * apart); the public side
 * has no route to 192.168.50.0/24, so a guest's packets reach Porta only through the NAT. The nat and
 * home namespaces belong to two {@code sleep} processes started with {@code unshare -n}, so they vanish
 * with them; nothing is named on the host and nothing can leave (the JVM's namespace has no way out).
 */
public final class RoutedNetwork implements AutoCloseable {
    public static final String PUBLIC_ADDRESS = "198.51.100.10";
    public static final String NAT_PUBLIC_ADDRESS = "198.51.100.20";
    public static final String HOME_ADDRESS = "192.168.50.10";
    /**
     * A second public address on pub0 (see {@link #addPublicAddress(String)}): a TURN server's own, so its
     * TLS port can be 443 while the web proxy listens on 443 of {@link #PUBLIC_ADDRESS}.
     */
    public static final String TURN_ADDRESS = "198.51.100.11";
    /** The home guest's address after {@link #moveHomeGuest()}. */
    public static final String HOME_NEW_ADDRESS = "192.168.50.11";
    /** The NAT's public address after {@link #moveHomeGuest()}. */
    public static final String NAT_NEW_PUBLIC_ADDRESS = "198.51.100.21";
    private static final Path IP = Path.of("/usr/sbin/ip");
    private static final Path NFT = Path.of("/usr/sbin/nft");
    private static final Path NSENTER = Path.of("/usr/bin/nsenter");

    private final Process nat;
    private final Process home;
    private final Path dir;

    private RoutedNetwork(Process nat, Process home, Path dir) {
        this.nat = nat;
        this.home = home;
        this.dir = dir;
    }

    /** Skips (or fails) unless this JVM runs in a loopback-only namespace with ip, nft and nsenter at hand. */
    public static void require() throws IOException {
        RequiredService.require("nftables", Files.isExecutable(NFT) && Files.isExecutable(IP) && Files.isExecutable(NSENTER),
                "apt-get install -y nftables iproute2 util-linux");
        // links and rules go only into namespaces of the test's own: never into a real machine's network
        RequiredService.require("network namespace", List.of("lo").equals(interfaces()),
                "run inside a loopback-only network namespace, as ./run-tests does (unshare -n)");
    }

    public static RoutedNetwork build() throws Exception {
        require();
        Process nat = new ProcessBuilder("unshare", "-n", "sleep", "infinity").start();
        Process home = new ProcessBuilder("unshare", "-n", "sleep", "infinity").start();
        RoutedNetwork net = new RoutedNetwork(nat, home, Files.createTempDirectory("porta-routed-"));
        try {
            net.awaitOwnNamespace(nat);
            net.awaitOwnNamespace(home);
            String natNs = String.valueOf(nat.pid());
            String homeNs = String.valueOf(home.pid());
            run(IP.toString(), "link", "add", "pub0", "type", "veth", "peer", "name", "wan0");
            run(IP.toString(), "link", "set", "wan0", "netns", natNs);
            run(IP.toString(), "addr", "add", PUBLIC_ADDRESS + "/24", "dev", "pub0");
            run(IP.toString(), "link", "set", "pub0", "up");
            net.in(nat, IP.toString(), "link", "set", "lo", "up");
            net.in(nat, IP.toString(), "addr", "add", NAT_PUBLIC_ADDRESS + "/24", "dev", "wan0");
            net.in(nat, IP.toString(), "link", "set", "wan0", "up");
            net.in(nat, IP.toString(), "link", "add", "lan0", "type", "veth", "peer", "name", "eth0");
            net.in(nat, IP.toString(), "link", "set", "eth0", "netns", homeNs);
            net.in(nat, IP.toString(), "addr", "add", "192.168.50.1/24", "dev", "lan0");
            net.in(nat, IP.toString(), "link", "set", "lan0", "up");
            net.in(nat, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward");
            net.in(nat, NFT.toString(), "add table ip porta_nat");
            net.in(nat, NFT.toString(), "add chain ip porta_nat post { type nat hook postrouting priority 100 ; policy accept ; }");
            // UDP flows counted on their own, so a test can tell its media went through the NAT
            net.in(nat, NFT.toString(), "add rule ip porta_nat post oifname \"wan0\" meta l4proto udp counter masquerade");
            net.in(nat, NFT.toString(), "add rule ip porta_nat post oifname \"wan0\" counter masquerade");
            net.in(home, IP.toString(), "link", "set", "lo", "up");
            net.in(home, IP.toString(), "addr", "add", HOME_ADDRESS + "/24", "dev", "eth0");
            net.in(home, IP.toString(), "link", "set", "eth0", "up");
            net.in(home, IP.toString(), "route", "add", "default", "via", "192.168.50.1");
            return net;
        } catch (Exception | Error e) {
            net.close();
            throw e;
        }
    }

    /** A Chromium wrapper for {@link Browsers#open(Participant, String, Path)} that runs it in the home namespace. */
    public Path chromiumAtHome() throws IOException {
        Path script = dir.resolve("chromium-at-home");
        Files.writeString(script, "#!/bin/sh\nexec " + NSENTER + " -t " + home.pid() + " -n " + Browsers.CHROMIUM + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /** Adds {@code address}/24 to pub0 (the public side), once; the NAT reaches it on the same link. */
    public void addPublicAddress(String address) throws Exception {
        if (!run(IP.toString(), "-o", "addr", "show", "dev", "pub0").contains(" " + address + "/")) {
            run(IP.toString(), "addr", "add", address + "/24", "dev", "pub0");
        }
    }

    /** The NAT's rules with their counters (a NAT rule sees the first packet of each flow only). */
    public String natRules() throws Exception {
        return in(nat, NFT.toString(), "list chain ip porta_nat post");
    }

    /** UDP flows the NAT has masqueraded so far. */
    public long udpFlowsMasqueraded() throws Exception {
        String rules = natRules();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("l4proto udp counter packets (\\d+)").matcher(rules);
        if (!m.find()) {
            throw new IllegalStateException("no UDP counter in the NAT's rules:\n" + rules);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Runs {@code nft} with one command in the NAT namespace (a test's own firewall rules on the guest's
     * way out) and returns what it printed.
     */
    public String nftAtNat(String command) throws Exception {
        return in(nat, NFT.toString(), command);
    }

    /**
     * The home guest moves to another network mid-call, as a phone does going from one Wi-Fi to another:
     * its own address changes (192.168.50.10 → .11, the old one gone with the sockets the browser had
     * on it) and so does the address its traffic leaves the NAT from (198.51.100.20 → .21: the NAT now
     * translates to the new address, so Porta sees every packet of the guest come from somewhere new).
     * Nothing the old flows' NAT mappings point at exists any more, so the old path is dead for good.
     */
    public void moveHomeGuest() throws Exception {
        in(nat, IP.toString(), "addr", "add", NAT_NEW_PUBLIC_ADDRESS + "/24", "dev", "wan0");
        // one nft run, so the NAT switches atomically: the old rules and their counters go, UDP still counted apart
        in(nat, NFT.toString(), "flush chain ip porta_nat post ; "
                + "add rule ip porta_nat post oifname \"wan0\" meta l4proto udp counter snat to " + NAT_NEW_PUBLIC_ADDRESS + " ; "
                + "add rule ip porta_nat post oifname \"wan0\" counter snat to " + NAT_NEW_PUBLIC_ADDRESS);
        in(home, IP.toString(), "addr", "del", HOME_ADDRESS + "/24", "dev", "eth0");
        in(home, IP.toString(), "addr", "add", HOME_NEW_ADDRESS + "/24", "dev", "eth0");
        in(home, IP.toString(), "route", "add", "default", "via", "192.168.50.1");
    }

    /** Undoes {@link #moveHomeGuest()}: the guest and the NAT back on their first addresses, masquerading again. */
    public void restoreHomeGuest() throws Exception {
        in(nat, NFT.toString(), "flush chain ip porta_nat post ; "
                + "add rule ip porta_nat post oifname \"wan0\" meta l4proto udp counter masquerade ; "
                + "add rule ip porta_nat post oifname \"wan0\" counter masquerade");
        in(nat, IP.toString(), "addr", "del", NAT_NEW_PUBLIC_ADDRESS + "/24", "dev", "wan0");
        in(home, IP.toString(), "addr", "del", HOME_NEW_ADDRESS + "/24", "dev", "eth0");
        in(home, IP.toString(), "addr", "add", HOME_ADDRESS + "/24", "dev", "eth0");
        in(home, IP.toString(), "route", "add", "default", "via", "192.168.50.1");
    }

    private void awaitOwnNamespace(Process p) throws Exception {
        Path own = Files.readSymbolicLink(Path.of("/proc/self/ns/net")); // net:[inode]
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/ns/net")).equals(own)) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                throw new IllegalStateException("unshare -n did not give process " + p.pid() + " a namespace of its own");
            }
            Thread.sleep(20);
        }
    }

    private String in(Process namespace, String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of(NSENTER.toString(), "-t", String.valueOf(namespace.pid()), "-n"));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** The network interfaces of this process's own namespace (/proc/self/net/dev; /sys shows the mounter's). */
    private static List<String> interfaces() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/net/dev")).stream().skip(2)
                .map(l -> l.substring(0, l.indexOf(':')).trim()).toList();
    }

    /** Deletes pub0 (its peer goes with it) and ends the two namespaces' processes. */
    @Override
    public void close() throws Exception {
        try {
            run(IP.toString(), "link", "del", "pub0");
        } catch (IllegalStateException alreadyGone) {
            // never created, or gone with the nat namespace
        }
        for (Process p : List.of(nat, home)) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
