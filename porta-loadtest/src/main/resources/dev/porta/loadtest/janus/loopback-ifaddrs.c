// SPDX-License-Identifier: Apache-2.0
// Preloaded into the reference SFU (Janus) by the load test only. Janus's ICE gathering skips every
// interface flagged as loopback, but the benchmark must keep all its traffic on loopback: this wrapper
// reports "lo" without IFF_LOOPBACK, so that Janus (restricted by ice_enforce_list to "lo") gathers a
// 127.0.0.1 host candidate. Interface enumeration runs only at connection setup, so it costs nothing
// in the measured media path.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <string.h>

int getifaddrs(struct ifaddrs **ifap) {
    static int (*next)(struct ifaddrs **);
    if (next == NULL) {
        next = (int (*)(struct ifaddrs **)) dlsym(RTLD_NEXT, "getifaddrs");
    }
    int result = next(ifap);
    if (result == 0) {
        for (struct ifaddrs *i = *ifap; i != NULL; i = i->ifa_next) {
            if (i->ifa_name != NULL && strcmp(i->ifa_name, "lo") == 0) {
                i->ifa_flags &= ~IFF_LOOPBACK;
            }
        }
    }
    return result;
}
