/**
 * The XenStore wire protocol of Xen {@code io/xs_wire.h} as bytes: the 16-byte {@code
 * xsd_sockmsg} header ({@link io.morgana.xen.store.wire.XsPacket} flyweight, {@link
 * io.morgana.xen.store.wire.XsHeader} record), the message types ({@link
 * io.morgana.xen.store.wire.XsMessageType}), the error strings of {@code xsd_errors[]} ({@link
 * io.morgana.xen.store.wire.XsError}), payload formats ({@link io.morgana.xen.store.wire.XsPayloads},
 * after Xen {@code docs/misc/xenstore.txt}), stream framing ({@link
 * io.morgana.xen.store.wire.XsFrameDecoder}) and the {@code xenstore_domain_interface} shared page
 * ({@link io.morgana.xen.store.wire.XenStoreRingPage}).
 *
 * <p>Every parse of untrusted bytes throws {@link
 * io.morgana.xen.store.wire.MalformedXenStoreMessageException} and nothing else. No logging,
 * clocks or dependency injection here.
 */
package io.morgana.xen.store.wire;
