import { InputError } from '@backstage/errors';
import { WriteStrategy } from '@shipdeck/plugin-gitops-common';
import { readHelmValue, setHelmValue } from './helmValues';
import { validateVersion } from './imageRef';
import { readKustomizeImage, setKustomizeImage } from './kustomizeImages';
import {
  ManifestText,
  readContainerVersion,
  readFilesVersion,
  setContainerImages,
  setFilesImages,
} from './rawImage';

/** Which file to edit and how; `image` or `key` as the strategy needs. */
export interface EditTarget {
  file: string;
  /** `file` names a raw-image folder or glob, whose matching files are edited together. */
  several?: boolean;
  strategy: WriteStrategy;
  image?: string;
  key?: string;
}

export interface WriteResult {
  content: string;
  previous?: string;
  /** False when the file already had the version; `content` is then the input. */
  changed: boolean;
}

interface Strategy {
  read(content: string, target: EditTarget): string | undefined;
  write(
    content: string,
    target: EditTarget,
    version: string,
  ): { content: string; previous?: string };
}

function requireImage(target: EditTarget): string {
  if (!target.image) {
    throw new InputError(
      `${target.file}: the ${target.strategy} strategy needs the image name to look for, and none is configured`,
    );
  }
  return target.image;
}

// No default key: guessing `image.tag` for a chart that keeps its tag
// elsewhere would fail later, or change the wrong value.
function requireKey(target: EditTarget): string {
  if (!target.key) {
    throw new InputError(
      `${target.file}: the helm-values strategy needs the key of the value to change (e.g. image.tag), and none is configured`,
    );
  }
  return target.key;
}

/*
 * Reading returns undefined exactly where writing would add the version
 * (no kustomize images entry, a null Helm value, an untagged image) and
 * throws where writing would throw, so a misconfigured target shows up as
 * an error on reading too, not as "no version".
 */
const STRATEGIES: Record<WriteStrategy, Strategy> = {
  'kustomize-images': {
    read(content, target) {
      const found = readKustomizeImage(content, {
        file: target.file,
        image: requireImage(target),
      });
      // kustomize uses the digest when an entry has both.
      return found?.digest ?? found?.newTag;
    },
    write(content, target, version) {
      return setKustomizeImage(content, {
        file: target.file,
        image: requireImage(target),
        version,
      });
    },
  },
  'helm-values': {
    read(content, target) {
      return readHelmValue(content, {
        file: target.file,
        keyPath: requireKey(target),
      });
    },
    write(content, target, version) {
      return setHelmValue(content, {
        file: target.file,
        keyPath: requireKey(target),
        value: version,
      });
    },
  },
  'raw-image': {
    read(content, target) {
      return readContainerVersion(content, {
        file: target.file,
        image: requireImage(target),
      });
    },
    write(content, target, version) {
      return setContainerImages(content, {
        file: target.file,
        image: requireImage(target),
        version,
      });
    },
  },
};

function strategyFor(target: EditTarget): Strategy {
  const strategy = Object.hasOwn(STRATEGIES, target.strategy)
    ? STRATEGIES[target.strategy]
    : undefined;
  if (!strategy) {
    throw new InputError(
      `${target.file}: unknown write strategy "${
        target.strategy
      }"; expected one of ${Object.keys(STRATEGIES).join(', ')}`,
    );
  }
  return strategy;
}

/** The version (tag or digest) the file currently deploys, as written. */
export function readVersion(
  content: string,
  target: EditTarget,
): string | undefined {
  return strategyFor(target).read(content, target);
}

/**
 * Changes only the bytes of the version. `previous` is the version the file
 * had, if any.
 */
export function writeVersion(
  content: string,
  target: EditTarget,
  version: string,
): WriteResult {
  const strategy = strategyFor(target);
  validateVersion(version, target.file);
  const result = strategy.write(content, target, version);
  return {
    content: result.content,
    ...(result.previous !== undefined && { previous: result.previous }),
    changed: result.content !== content,
  };
}

/**
 * The version a target's files deploy: its one file's, or the version the
 * files of a folder or glob agree on.
 */
export function readVersionIn(
  files: ManifestText[],
  target: EditTarget,
): string | undefined {
  if (!target.several) {
    return readVersion(files[0].content, target);
  }
  return readFilesVersion(files, {
    where: target.file,
    image: requireImage(target),
  });
}

/** {@link writeVersion} over a target's files; returns the files it changed. */
export function writeVersionIn(
  files: ManifestText[],
  target: EditTarget,
  version: string,
): { changed: ManifestText[]; previous?: string } {
  if (!target.several) {
    const [file] = files;
    const result = writeVersion(file.content, target, version);
    return {
      changed: result.changed
        ? [{ path: file.path, content: result.content }]
        : [],
      ...(result.previous !== undefined && { previous: result.previous }),
    };
  }
  return setFilesImages(files, {
    where: target.file,
    image: requireImage(target),
    version,
  });
}
