/**
 * Management of a FAT file system ({@code fs-fat}) and the disk under it: size and free space as
 * metrics. Add {@link io.morgana.mgmt.fat.FatManagementModule} next to {@code FatFsModule}.
 */
package io.morgana.mgmt.fat;
