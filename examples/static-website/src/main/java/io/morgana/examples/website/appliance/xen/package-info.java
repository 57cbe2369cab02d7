/**
 * The static website as a Xen PVH guest (issue 16): the appliance's image with Morgana's own
 * netfront and blkfront on the devices of a Linux Xen guest ({@link
 * io.morgana.examples.website.appliance.xen.XenApplianceKernel}) and its {@code /init} ({@link
 * io.morgana.examples.website.appliance.xen.StaticWebsiteXenAppliance}); built as {@code
 * static-website-xen-appliance.jar}, made into an image by {@code appliance/build static-website
 * --target=xen}. Written for Xen and untested on it (no hypervisor here); the component's modules
 * run on the simulated hypervisor in the tests.
 */
package io.morgana.examples.website.appliance.xen;
