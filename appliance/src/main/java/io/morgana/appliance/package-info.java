/**
 * The appliance (issue 16): a Morgana kernel as PID 1 of a Linux VM with no shell. {@link
 * io.morgana.appliance.Init} is the {@code /init} (mounts, kernel modules, interfaces up, the
 * application kernel, power off), {@link io.morgana.appliance.InitPlan} what it does as decided
 * from the {@link io.morgana.appliance.KernelCommandLine} ({@code morgana.*} parameters become the
 * application's boot arguments; {@code morgana.target=qemu|xen} picks the hypervisor's defaults),
 * and {@link io.morgana.appliance.InitSystem} the system calls it makes. The scripts {@code
 * appliance/build} and {@code appliance/boot} make and boot the images (README.md).
 */
package io.morgana.appliance;
