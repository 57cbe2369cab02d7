/**
 * The static website as a VM appliance (issue 16): {@link
 * io.morgana.examples.website.appliance.PacketKernel} owns the VM's NIC through an {@code AF_PACKET}
 * socket and leases its address by DHCP; {@link
 * io.morgana.examples.website.appliance.StaticWebsiteAppliance} is the VM's {@code /init}
 * (appliance's {@code Init}). {@code appliance/build static-website} makes the image.
 */
package io.morgana.examples.website.appliance;
