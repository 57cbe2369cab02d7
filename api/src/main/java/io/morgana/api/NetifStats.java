package io.morgana.api;

/**
 * Counters of a {@link Netif}, since it was opened.
 *
 * @param rxFrames frames received and handed to the handler
 * @param rxBytes bytes of those frames
 * @param rxDropped frames received but dropped (no handler, malformed, too long, queue full)
 * @param txFrames frames handed to the device
 * @param txBytes bytes of those frames
 * @param txDropped frames given to {@link Netif#write} and dropped
 */
public record NetifStats(
    long rxFrames, long rxBytes, long rxDropped, long txFrames, long txBytes, long txDropped) {}
