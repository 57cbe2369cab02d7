/**
 * The demo scenario of {@code sim-demo.jar}: a DHCP server (its leases on a simulated disk), 20
 * DHCP clients, a web server serving pages from a FAT disk and 10 of the clients fetching a page
 * each, on one lossy, reordering segment; the server is partitioned off, then crashes and restarts
 * from its lease store. The web part speaks a deliberately minimal HTTP/1.0 ({@link
 * io.morgana.sim.demo.MinimalHttp10}) until Morgana's HTTP module exists.
 */
package io.morgana.sim.demo;
