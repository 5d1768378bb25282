export { VolumeService, type VolumeRequest } from "./service.ts";
export { copyUp } from "./copy-up.ts";
export { checkVolumeName, isGeneratedName } from "./names.ts";
export { DOCKER_PLUGIN_DIRS } from "./plugins/discovery.ts";
