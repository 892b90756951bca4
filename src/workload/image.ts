// The one image every netproof pod runs. Pinned by digest so that every run,
// on every cluster, probes with the same tools (nc, curl, dig, socat).
//
// The digest is the one public manifests pin for nicolaka/netshoot v0.16
// (found in several unrelated repositories through the code search; no
// registry can be reached from the development machines, so it has not been
// pulled here). Override it with `--image` or LiveOptions.image.
export const NETSHOOT_IMAGE =
  "docker.io/nicolaka/netshoot:v0.16@sha256:b09d9b21381f47a79b3cbcb30da25266dc17186ea00ae65e99fdc51396f48e70";
