// The JS SDK v3's default presigned uploads, as a browser app makes them: getSignedUrl for PutObject and for each
// UploadPart (client 3.729+ puts x-amz-checksum-crc32 of an empty body and x-amz-sdk-checksum-algorithm in the
// query), then plain fetch with the real bytes. Usage: node presigned-upload.mjs ENDPOINT BUCKET
import { createHash, randomBytes } from "node:crypto";
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, CreateMultipartUploadCommand,
  UploadPartCommand, CompleteMultipartUploadCommand, HeadObjectCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

const [endpoint, bucket] = process.argv.slice(2);
const s3 = new S3Client({
  endpoint, region: "us-east-1", forcePathStyle: true,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const sha = (b) => createHash("sha256").update(b).digest("hex");
const fail = (m) => { console.error(m); process.exit(1); };

await s3.send(new CreateBucketCommand({ Bucket: bucket }));

// PutObject through a presigned URL.
const small = randomBytes(100_000);
const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: "presigned.bin" }), { expiresIn: 300 });
if (!new URL(putUrl).searchParams.has("x-amz-checksum-crc32")) fail("this SDK version no longer puts a checksum in the query: " + putUrl);
let r = await fetch(putUrl, { method: "PUT", body: small });
if (r.status !== 200) fail("presigned PUT: " + r.status + " " + await r.text());
const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "presigned.bin" }))).Body.transformToByteArray());
if (sha(got) !== sha(small)) fail("presigned PUT stored other bytes");

// A multipart upload from presigned part URLs, completed with the ETags the parts answered.
const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1_234_567)];
const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "multipart.bin" }));
const listed = [];
for (const [i, body] of parts.entries()) {
  const url = await getSignedUrl(s3, new UploadPartCommand({ Bucket: bucket, Key: "multipart.bin", UploadId, PartNumber: i + 1 }), { expiresIn: 300 });
  r = await fetch(url, { method: "PUT", body });
  if (r.status !== 200) fail("presigned UploadPart " + (i + 1) + ": " + r.status + " " + await r.text());
  listed.push({ PartNumber: i + 1, ETag: r.headers.get("etag") });
}
await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "multipart.bin", UploadId, MultipartUpload: { Parts: listed } }));
const whole = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "multipart.bin" }))).Body.transformToByteArray());
if (sha(whole) !== sha(Buffer.concat(parts))) fail("the completed object is not the parts' bytes");
const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "presigned.bin", ChecksumMode: "ENABLED" }));
if (head.ChecksumCRC32 || !head.ChecksumCRC64NVME) fail("the query's CRC32 was stored: " + JSON.stringify(head));
console.log("js-presigned-ok");
