/**
 * Grant tables (Xen {@code grant_table.h}, version 1): granting a domain access to our pages,
 * revoking the grant once the peer is done, and — for backends — mapping and copying pages that
 * a peer granted to us. {@link io.morgana.xen.grant.GrantEntryV1} holds the exact layout of
 * {@code struct grant_entry_v1} and the {@code GTF_*}/{@code GNTST_*} numbers.
 */
package io.morgana.xen.grant;
