// A Node test-runner recipe: start `s3gateway --port 0 --ephemeral` for the file's tests, read the URL from its
// first line, hand the AWS SDK for JavaScript v3 a client. Run with `node --test`.
import { spawn, execFileSync } from "node:child_process";
import { createInterface } from "node:readline";
import { before, after, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListBucketsCommand, HeadObjectCommand,
} from "@aws-sdk/client-s3";

const s3gateway = process.env.S3GATEWAY ?? "s3gateway";
let gateway;
let endpoint;
let s3;

function firstLine(child, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3gateway printed nothing in ${timeoutMs} ms`)), timeoutMs);
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`s3gateway exited with ${code}`)); });
    createInterface({ input: child.stdout }).once("line", (line) => { clearTimeout(timer); resolve(line); });
  });
}

before(async () => {
  gateway = spawn(s3gateway, ["--port", "0", "--ephemeral"], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await firstLine(gateway, 30_000);
  const prefix = "S3 gateway listening on ";
  assert.ok(line.startsWith(prefix), `unexpected first line: ${line}`);
  endpoint = line.slice(prefix.length).trim();
  s3 = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
});

after(async () => {
  s3?.destroy();
  if (gateway && gateway.exitCode === null) {
    const exited = new Promise((resolve) => gateway.once("exit", resolve));
    gateway.kill("SIGTERM");
    await exited;
  }
});

// Every test starts on an empty gateway.
beforeEach(() => {
  execFileSync(s3gateway, ["reset", "--endpoint", endpoint], { timeout: 30_000 });
});

test("put and get an object", async () => {
  await s3.send(new CreateBucketCommand({ Bucket: "docs" }));
  await s3.send(new PutObjectCommand({ Bucket: "docs", Key: "a.txt", Body: "hello" }));
  const got = await s3.send(new GetObjectCommand({ Bucket: "docs", Key: "a.txt" }));
  assert.equal(await got.Body.transformToString(), "hello");
  const head = await s3.send(new HeadObjectCommand({ Bucket: "docs", Key: "a.txt" }));
  assert.equal(head.ContentLength, 5);
});

test("each test starts empty", async () => {
  const listed = await s3.send(new ListBucketsCommand({}));
  assert.deepEqual(listed.Buckets ?? [], []);
  await s3.send(new CreateBucketCommand({ Bucket: "left-behind" }));
});

test("a missing bucket is S3's NoSuchBucket", async () => {
  await assert.rejects(
    s3.send(new GetObjectCommand({ Bucket: "nowhere", Key: "k" })),
    (e) => e.name === "NoSuchBucket" && e.$metadata.httpStatusCode === 404,
  );
});
