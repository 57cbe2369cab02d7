/*
 * The floor for Morgana's TAP ping round trip: the smallest user-space responder behind a TAP
 * device that the benchmark can compare Morgana with. One thread, blocking in poll(2) on the TAP
 * descriptor (no spinning: an idle responder uses no CPU), then read(2) until EAGAIN and one
 * write(2) per reply — the same system calls, in the same shape, as Morgana's KernelLoop +
 * TapNetif, with no JVM, no protocol stack and no event-fd.
 *
 * It answers ARP requests for its address (RFC 826) and ICMP echo requests to it (RFC 792), and
 * drops everything else. Usage (inside the namespace that holds the TAP device):
 *
 *   tap_floor DEVICE IPV4      e.g.  tap_floor mtap1 192.0.2.2
 *
 * Built by benchmarks/net/run.sh with gcc -O2. Linux only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const uint8_t MAC[6] = {0x02, 0x00, 0x5e, 0x00, 0x02, 0x02}; /* locally administered */

static uint16_t checksum(const uint8_t *p, size_t n, uint32_t sum) {
  for (; n > 1; n -= 2, p += 2) sum += (uint32_t)p[0] << 8 | p[1];
  if (n) sum += (uint32_t)p[0] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

/* Turns the frame in f (length n) into its reply in place; returns the reply length or 0. */
static size_t answer(uint8_t *f, size_t n, const uint8_t ip[4]) {
  if (n < 14) return 0;
  uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
  if (type == 0x0806 && n >= 42) { /* ARP, Ethernet/IPv4 */
    uint8_t *a = f + 14;
    if (!(a[0] == 0 && a[1] == 1 && a[2] == 8 && a[3] == 0 && a[4] == 6 && a[5] == 4)) return 0;
    if (!(a[6] == 0 && a[7] == 1) || memcmp(a + 24, ip, 4) != 0) return 0; /* request for us */
    memcpy(f, f + 6, 6);
    memcpy(f + 6, MAC, 6);
    a[7] = 2;                   /* reply */
    memcpy(a + 18, a + 8, 10);  /* target = sender (MAC + IP) */
    memcpy(a + 8, MAC, 6);      /* sender = us */
    memcpy(a + 14, ip, 4);
    return 42;
  }
  if (type == 0x0800 && n >= 14 + 20 + 8) { /* IPv4 */
    uint8_t *h = f + 14;
    size_t ihl = (size_t)(h[0] & 0x0f) * 4;
    size_t total = (size_t)(h[2] << 8 | h[3]);
    if ((h[0] >> 4) != 4 || ihl < 20 || total < ihl + 8 || 14 + total > n) return 0;
    if (h[9] != 1 || memcmp(h + 16, ip, 4) != 0 || (h[6] & 0x3f) != 0 || h[7] != 0) return 0;
    uint8_t *icmp = h + ihl;
    if (icmp[0] != 8) return 0; /* echo request */
    memcpy(f, f + 6, 6);
    memcpy(f + 6, MAC, 6);
    uint8_t tmp[4];
    memcpy(tmp, h + 12, 4);
    memcpy(h + 16, tmp, 4);
    memcpy(h + 12, ip, 4);
    h[8] = 64;
    h[10] = h[11] = 0;
    uint16_t s = checksum(h, ihl, 0);
    h[10] = (uint8_t)(s >> 8);
    h[11] = (uint8_t)s;
    icmp[0] = 0; /* echo reply */
    icmp[2] = icmp[3] = 0;
    s = checksum(icmp, total - ihl, 0);
    icmp[2] = (uint8_t)(s >> 8);
    icmp[3] = (uint8_t)s;
    return 14 + total;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s DEVICE IPV4\n", argv[0]);
    return 2;
  }
  uint8_t ip[4];
  if (inet_pton(AF_INET, argv[2], ip) != 1) {
    fprintf(stderr, "bad IPv4 address %s\n", argv[2]);
    return 2;
  }
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    perror("open /dev/net/tun");
    return 1;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    perror("ioctl TUNSETIFF");
    return 1;
  }
  printf("tap_floor: answering on %s for %s\n", ifr.ifr_name, argv[2]);
  fflush(stdout);
  static uint8_t frame[65536 + 14];
  struct pollfd p = {.fd = fd, .events = POLLIN};
  for (;;) {
    if (poll(&p, 1, -1) < 0) {
      if (errno == EINTR) continue;
      perror("poll");
      return 1;
    }
    for (;;) {
      ssize_t n = read(fd, frame, sizeof frame);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;
        perror("read");
        return 1;
      }
      size_t r = answer(frame, (size_t)n, ip);
      if (r > 0 && write(fd, frame, r) < 0 && errno != EAGAIN) {
        perror("write");
        return 1;
      }
    }
  }
}
