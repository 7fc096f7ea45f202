global using Amazon.S3;
global using Amazon.S3.Model;
global using EndToEnd.Tests.Infrastructure;
global using NUnit.Framework;
