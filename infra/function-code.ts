import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleHandler } from './bundling.js';

/** The folder above infra/: the repository's root, or the installed package's dist/. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the package build puts each function's prebuilt bundle (see scripts/build-package.ts). */
export const PREBUILT_FOLDER = 'lambda-assets';

/** The files of lambdas/ that are functions of the stack, each bundled on its own. */
export const FUNCTION_FILES = ['daemon.ts', 'cron.ts', 'removal.ts'] as const;
export type FunctionFile = (typeof FUNCTION_FILES)[number];

/**
 * A function's code: in the installed package, the bundle the package build made, so a user's
 * `cdk synth` needs no bundler; in this repository, bundled at synth by the local esbuild (no
 * Docker) with the same bundleHandler. Either way `index.js`, whose exports are the handlers.
 */
export function functionCode(file: FunctionFile): Code {
  const prebuilt = `${ROOT}${PREBUILT_FOLDER}/${bundleName(file)}`;
  if (existsSync(prebuilt)) return Code.fromAsset(prebuilt);
  const entry = `${ROOT}lambdas/${file}`;
  return Code.fromAsset(`${ROOT}lambdas`, {
    // The bundle's own hash: the same code gives the same asset, whatever else changed in the folder.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws. CDK requires an image all the same.
      image: DockerImage.fromRegistry('scratch'),
      // Names the entry. It also keeps each function's bundle apart: CDK reuses a staged asset by
      // source folder and bundling options, and tryBundle (a function) is not part of that key,
      // so without it every function of the app would get the first one's bundle.
      command: ['bundle', file],
      local: {
        tryBundle(outputDir: string): boolean {
          bundleHandler(entry, outputDir);
          return true;
        },
      },
    },
  });
}

/** The prebuilt bundle's folder name: the file's, without `.ts`. */
export function bundleName(file: FunctionFile): string {
  return file.replace(/\.ts$/, '');
}
