/**
 * The demo scenario of {@code sim-demo.jar}: a DHCP server (its leases on a simulated disk), 20
 * DHCP clients, a web server serving pages from a FAT disk and 10 of the clients fetching a page
 * each, on one lossy, reordering segment; the server is partitioned off, then crashes and restarts
 * from its lease store. The web server is Morgana's HTTP module ({@code HttpServer} with a {@code
 * KvFileHandler}); the clients fetch with a deliberately minimal HTTP/1.0 client ({@link
 * io.morgana.sim.demo.MinimalHttp10}).
 */
package io.morgana.sim.demo;
