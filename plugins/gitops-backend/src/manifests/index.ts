export { readVersion, writeVersion } from './strategies';
export type { EditTarget, WriteResult } from './strategies';
export {
  imageName,
  isDigest,
  parseImageRef,
  sameImage,
  validateVersion,
  versionOf,
  withVersion,
} from './imageRef';
export type { ImageRef } from './imageRef';
export { readKustomizeImage, setKustomizeImage } from './kustomizeImages';
export type {
  KustomizeImageOptions,
  KustomizeImageVersion,
} from './kustomizeImages';
export { readHelmValue, setHelmValue } from './helmValues';
export type { HelmValueOptions } from './helmValues';
export {
  readContainerImages,
  readContainerVersion,
  setContainerImages,
} from './rawImage';
export type { ContainerImageOptions } from './rawImage';
