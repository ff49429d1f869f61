import { readFilesVersion, setFilesImages } from './rawImage';
import { splitManifests } from './__testUtils__/splitManifests';

const ORDER = 'registry.shop.example/shop/order-prod';
const WHERE = 'prod/manifests/order/';
const FOLDER = 'prod/manifests/order';

const files = Object.entries(
  splitManifests(FOLDER, 'order-prod', `${ORDER}:2.4.0`),
).map(([path, content]) => ({ path, content }));
const [cronJob, deployment, job] = files.map(f => f.content);

/** The lines that differ, as `-old` / `+new`. */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, i) =>
    line === b[i] ? [] : [`-${line}`, `+${b[i]}`],
  );
}

describe('a raw-image folder of several files', () => {
  it('reads the version the files agree on, skipping files without the image', () => {
    expect(readFilesVersion(files, { where: WHERE, image: ORDER })).toBe(
      '2.4.0',
    );
  });

  it('changes only the image lines of every workload, in every file that runs the image', () => {
    const result = setFilesImages(files, {
      where: WHERE,
      image: ORDER,
      version: '2.5.0',
    });
    expect(result.previous).toBe('2.4.0');
    expect(result.changed.map(f => f.path)).toEqual([
      'prod/manifests/order/order-prod-cronjob.yaml',
      'prod/manifests/order/order-prod-deployment.yaml',
      'prod/manifests/order/order-prod-migrate.yaml',
    ]);
    const [cron, deploy, migrate] = result.changed;
    expect(changedLines(cronJob, cron.content)).toEqual([
      `-            image: ${ORDER}:2.4.0`,
      `+            image: ${ORDER}:2.5.0`,
    ]);
    // The trailing comment, quotes and the other images stay as written.
    expect(changedLines(deployment, deploy.content)).toEqual([
      `-          image: ${ORDER}:2.4.0 # set by Shipdeck`,
      `+          image: ${ORDER}:2.5.0 # set by Shipdeck`,
    ]);
    expect(changedLines(job, migrate.content)).toEqual([
      `-          image: "${ORDER}:2.4.0"`,
      `+          image: "${ORDER}:2.5.0"`,
    ]);
    expect(
      readFilesVersion([...result.changed, files[3]], {
        where: WHERE,
        image: ORDER,
      }),
    ).toBe('2.5.0');
  });

  it('returns no changed files when every file already runs the version', () => {
    expect(
      setFilesImages(files, { where: WHERE, image: ORDER, version: '2.4.0' }),
    ).toEqual({ changed: [], previous: '2.4.0' });
  });

  it('says which files disagree instead of reading one of them, and a deploy aligns them', () => {
    const drifted = files.map(f =>
      f.path.endsWith('-migrate.yaml')
        ? { ...f, content: f.content.replace('2.4.0', '2.3.9') }
        : f,
    );
    expect(() =>
      readFilesVersion(drifted, { where: WHERE, image: ORDER }),
    ).toThrow(
      `The files of ${WHERE} disagree on the version of ${ORDER}: prod/manifests/order/order-prod-cronjob.yaml has 2.4.0; prod/manifests/order/order-prod-deployment.yaml has 2.4.0; prod/manifests/order/order-prod-migrate.yaml has 2.3.9. Deploy one version to align them.`,
    );
    const aligned = setFilesImages(drifted, {
      where: WHERE,
      image: ORDER,
      version: '2.4.0',
    });
    expect(aligned.changed.map(f => f.path)).toEqual([
      'prod/manifests/order/order-prod-migrate.yaml',
    ]);
  });

  it('refuses a folder where no file runs the image, and a bad version, naming the folder', () => {
    const other = 'registry.shop.example/shop/order-dev';
    expect(() =>
      readFilesVersion(files, { where: WHERE, image: other }),
    ).toThrow(`No file of ${WHERE} has a container with image ${other}`);
    expect(() =>
      setFilesImages(files, { where: WHERE, image: other, version: '1.0.0' }),
    ).toThrow(`No file of ${WHERE} has a container with image ${other}`);
    expect(() =>
      setFilesImages(files, { where: WHERE, image: ORDER, version: 'v 1' }),
    ).toThrow(`${WHERE}: "v 1" is not a valid image tag`);
  });
});
