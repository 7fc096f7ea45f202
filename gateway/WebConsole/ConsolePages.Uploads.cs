using System.Globalization;
using System.Text;
using Gateway.Errors;
using Storage.Faults;
using Storage.Usage;
using static Gateway.WebConsole.Html;

namespace Gateway.WebConsole;

/// <summary>Incomplete uploads: the list (sortable, filtered by bucket and age) with abort, and one upload's part map.</summary>
internal sealed partial class ConsoleEndpoint
{
    private const int UploadsPerPage = 200;

    private string UploadsPage(HttpContext http, ConsoleSession session)
    {
        var account = Scope(http, session);
        var bucket = Query(http, "bucket");
        var olderHours = double.TryParse(Query(http, "olderThanHours"), NumberStyles.Float, CultureInfo.InvariantCulture, out var h) && h >= 0 ? h : (double?)null;
        var order = Query(http, "sort") switch
        {
            "bytes" => UploadOrder.Bytes,
            "cost" => UploadOrder.Cost,
            _ => UploadOrder.Initiated,
        };
        var report = services.Storage.Usage.Uploads(new UploadQuery(bucket, account, olderHours is { } o ? TimeSpan.FromHours(o) : null, order, 0, UploadsPerPage),
            Options.Billing.Prices());
        var now = report.AsOf;
        var sb = new StringBuilder(AccountFilter(http, session, "uploads"));
        sb.Append("<form method=\"get\" action=\"").Append(ConsoleRoutes.Prefix).Append("/uploads\" class=\"bar\"><label>Bucket <input name=\"bucket\" value=\"").Append(E(bucket))
            .Append("\"></label><label>Older than (hours) <input name=\"olderThanHours\" size=\"6\" value=\"").Append(E(olderHours?.ToString(CultureInfo.InvariantCulture)))
            .Append("\"></label><label>Sort by <select name=\"sort\">");
        foreach (var (value, label) in new[] { ("initiated", "age"), ("bytes", "bytes"), ("cost", "cost") })
        {
            sb.Append("<option value=\"").Append(value).Append('"').Append(Query(http, "sort") == value ? " selected" : "").Append('>').Append(label).Append("</option>");
        }

        sb.Append("</select></label>").Append(account is not null && IsAdmin(session) ? $"<input type=\"hidden\" name=\"account\" value=\"{E(account)}\">" : "")
            .Append("<button type=\"submit\">Show</button></form>");
        var t = report.Totals;
        sb.Append("<p id=\"upload-totals\">").Append(N(t.Uploads)).Append(" incomplete uploads, ").Append(N(t.Parts)).Append(" parts, ").Append(Bytes(t.Bytes))
            .Append(", estimated cost so far ").Append(Cost(t.EstimatedCost)).Append("</p>");
        if (report.Uploads.Count == 0)
        {
            return Page("Incomplete uploads", session, sb.Append("<p class=\"note\">No incomplete uploads.</p>").ToString(), "uploads");
        }

        sb.Append("<form method=\"post\" action=\"").Append(ConsoleRoutes.Prefix).Append("/uploads/abort\">").Append(AntiForgery(session))
            .Append("<div class=\"scroll\"><table id=\"uploads\"><thead><tr><th></th><th>Bucket</th><th>Key</th><th>Initiated</th><th class=\"n\">Age</th><th class=\"n\">Parts</th>")
            .Append("<th class=\"n\">Bytes</th><th class=\"n\">Cost so far</th><th></th></tr></thead><tbody>");
        foreach (var u in report.Uploads)
        {
            sb.Append("<tr data-upload=\"").Append(E(u.UploadId)).Append("\"><td><input type=\"checkbox\" name=\"upload\" value=\"").Append(E(u.UploadId))
                .Append("\" aria-label=\"select ").Append(E(u.Key)).Append("\"></td><td>").Append(E(u.Bucket)).Append("</td><td><a href=\"").Append(ConsoleRoutes.Prefix)
                .Append("/uploads/").Append(Q(u.UploadId)).Append("\">").Append(E(u.Key)).Append("</a></td><td>").Append(Time(u.Initiated)).Append("</td><td class=\"n\">")
                .Append(Age(now - u.Initiated)).Append("</td><td class=\"n\">").Append(N(u.Parts)).Append("</td><td class=\"n\">").Append(Bytes(u.Bytes))
                .Append("</td><td class=\"n\">").Append(Cost(u.EstimatedCost)).Append("</td><td><button type=\"submit\" name=\"only\" value=\"").Append(E(u.UploadId))
                .Append("\">Abort</button></td></tr>");
        }

        sb.Append("</tbody></table></div><p><button type=\"submit\">Abort selected</button></p></form>");
        if (report.IsTruncated)
        {
            sb.Append("<p class=\"note\">The first ").Append(UploadsPerPage).Append(" are shown; filter by bucket or age to see others.</p>");
        }

        return Page("Incomplete uploads", session, sb.ToString(), "uploads");
    }

    /// <summary>Aborts the upload a row's button names, or every selected one, that the session may act on.</summary>
    private ConsoleAnswer AbortUploads(IFormCollection form, ConsoleSession session)
    {
        var ids = form["only"].Count > 0 ? form["only"].Select(v => v ?? "").ToList() : form["upload"].Select(v => v ?? "").ToList();
        foreach (var id in ids.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal))
        {
            var upload = services.Storage.Multipart.Lookup(id);
            if (upload is null)
            {
                continue;
            }

            var bucket = RequireBucket(session, upload.Bucket);
            try
            {
                services.Storage.Multipart.Abort(upload.Bucket, upload.Key, id, bucket.Owner);
            }
            catch (StorageException e) when (e.Fault == StorageFault.UploadNotFound)
            {
                // Completed or aborted meanwhile.
            }
        }

        return ConsoleAnswer.Redirect("/uploads");
    }

    /// <summary>
    /// One upload's part map: a cell for every part number from 1 to the highest, gaps drawn as gaps, each part with
    /// its size, ETag, checksum and segments; a part other than the last that is under the minimum part size is
    /// marked, as Complete would refuse it (EntityTooSmall).
    /// </summary>
    private string PartMapPage(ConsoleSession session, string uploadId)
    {
        var upload = services.Storage.Multipart.Lookup(uploadId) ?? throw new S3Exception(S3ErrorCode.NoSuchUpload);
        var bucket = RequireBucket(session, upload.Bucket);
        var parts = services.Storage.Multipart.ListParts(upload.Bucket, upload.Key, uploadId, bucket.Owner, 0, Options.MaxPartNumber).Parts;
        var segments = services.Storage.Multipart.PartSegmentCounts(upload.Bucket, upload.Key, uploadId, bucket.Owner);
        var usage = services.Storage.Usage.Uploads(new UploadQuery(upload.Bucket, null, null, UploadOrder.Initiated, 0, int.MaxValue), Options.Billing.Prices())
            .Uploads.FirstOrDefault(u => u.UploadId == uploadId);
        var byNumber = parts.ToDictionary(p => p.PartNumber);
        var highest = parts.Count == 0 ? 0 : parts.Max(p => p.PartNumber);
        var sb = new StringBuilder("<div class=\"scroll\"><table id=\"upload\"><tbody>");
        void Row(string name, string value) => sb.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>");
        Row("Bucket", upload.Bucket);
        Row("Key", upload.Key);
        Row("Upload id", uploadId);
        Row("Initiated", Time(upload.Initiated));
        Row("Checksum", upload.ChecksumAlgorithm is { } a ? $"{Protocol.ChecksumNames.WireName(a)} ({(upload.ChecksumType is { } ct ? Protocol.ChecksumNames.TypeName(ct) : "")})" : "none");
        Row("Parts", $"{N(parts.Count)} of part numbers 1 to {N(highest)}");
        Row("Bytes", $"{N(parts.Sum(p => p.Size))} bytes");
        if (usage is not null)
        {
            Row("Byte-hours so far", usage.ByteHours.ToString("N1", CultureInfo.InvariantCulture));
            Row("Estimated cost so far", Cost(usage.EstimatedCost));
        }

        sb.Append("</tbody></table></div><h2>Part map</h2><p class=\"note\">A dashed cell is a part number with no part; an orange border marks a part under ")
            .Append(Bytes(Options.MinPartSize)).Append(" that is not the last, which CompleteMultipartUpload would refuse (EntityTooSmall).</p><div class=\"map\" id=\"part-map\">");
        for (var n = 1; n <= highest; n++)
        {
            if (!byNumber.TryGetValue(n, out var p))
            {
                sb.Append("<div class=\"cell gap\" data-part=\"").Append(n).Append("\" data-state=\"gap\"><b>").Append(n).Append("</b><br>no part</div>");
                continue;
            }

            var small = n != highest && p.Size < Options.MinPartSize;
            sb.Append("<div class=\"cell").Append(small ? " small" : "").Append("\" data-part=\"").Append(n).Append("\" data-state=\"").Append(small ? "too-small" : "part")
                .Append("\" title=\"ETag ").Append(E(p.ETag)).Append(p.Checksum is null ? "" : ", checksum " + E(p.Checksum)).Append("\"><b>").Append(n).Append("</b><br>")
                .Append(Bytes(p.Size)).Append("<br>").Append(N(segments.GetValueOrDefault(n))).Append(" segment(s)").Append(small ? "<br>too small" : "").Append("</div>");
        }

        sb.Append("</div>");
        if (parts.Count > 0)
        {
            sb.Append("<div class=\"scroll\"><table id=\"parts\"><thead><tr><th class=\"n\">Part</th><th class=\"n\">Size</th><th>ETag</th><th>Checksum</th><th class=\"n\">Segments</th><th>Uploaded</th></tr></thead><tbody>");
            foreach (var p in parts)
            {
                sb.Append("<tr><td class=\"n\">").Append(p.PartNumber).Append("</td><td class=\"n\">").Append(N(p.Size)).Append("</td><td>").Append(E(p.ETag)).Append("</td><td>")
                    .Append(E(p.Checksum ?? "")).Append("</td><td class=\"n\">").Append(N(segments.GetValueOrDefault(p.PartNumber))).Append("</td><td>").Append(Time(p.LastModified))
                    .Append("</td></tr>");
            }

            sb.Append("</tbody></table></div>");
        }

        sb.Append("<form method=\"post\" action=\"").Append(ConsoleRoutes.Prefix).Append("/uploads/abort\" class=\"bar\">").Append(AntiForgery(session))
            .Append("<button type=\"submit\" name=\"only\" value=\"").Append(E(uploadId)).Append("\">Abort this upload</button></form>");
        return Page("Upload " + upload.Key, session, sb.ToString(), "uploads");
    }
}
