using System.Text.Json;
using Gateway.Contract;
using Gateway.Errors;
using Gateway.Faults;
using Gateway.Http;

namespace Gateway.Admin;

/// <summary>/_gateway/faults: the fault rules (admins only). Rules live in memory; a restart starts from Gateway:Faults.</summary>
internal static class FaultHandlers
{
    /// <summary>A rule set is small; a body past this is not one.</summary>
    private const int MaxBody = 1024 * 1024;

    private static void RequireAdmin(AdminRequest r)
    {
        if (!r.IsAdmin)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Only an admin may see or change the fault rules.");
        }
    }

    /// <summary>POST /_gateway/faults {"rules": [...]}: appends the rules (all or none) and answers them with their ids.</summary>
    public static async Task<S3Response> Add(AdminRequest r)
    {
        RequireAdmin(r);
        var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await r.Body.ReadAsync(chunk, r.Aborted).ConfigureAwait(false)) > 0)
        {
            if (body.Length + n > MaxBody)
            {
                throw new S3Exception(S3ErrorCode.InvalidArgument, $"The rule set is larger than {MaxBody} bytes.");
            }

            body.Write(chunk, 0, n);
        }

        FaultRules? document;
        try
        {
            document = JsonSerializer.Deserialize(body.GetBuffer().AsSpan(0, (int)body.Length), AdminJson.Default.FaultRules);
        }
        catch (JsonException e)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "The body is not a rule set {\"rules\": [...]}: " + e.Message);
        }

        if (document is null || document.Rules.Count == 0)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "The body must hold at least one rule: {\"rules\": [{...}]}.");
        }

        IReadOnlyList<FaultRule> added;
        try
        {
            added = r.Services.Faults.Add(document.Rules);
        }
        catch (FaultRuleException e)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, e.Message);
        }

        return Json(new FaultRules { Rules = added.Select(a => a.ToDocument(withCounts: false)).ToList() }, AdminJson.Default.FaultRules);
    }

    /// <summary>GET /_gateway/faults: the rules with how often each matched and fired, and the faults that fired.</summary>
    public static S3Response List(AdminRequest r)
    {
        RequireAdmin(r);
        return Json(r.Services.Faults.State(), AdminJson.Default.FaultState);
    }

    /// <summary>DELETE /_gateway/faults: every rule, and the history.</summary>
    public static S3Response Clear(AdminRequest r)
    {
        RequireAdmin(r);
        return Json(new FaultsRemoved { Removed = r.Services.Faults.Clear() }, AdminJson.Default.FaultsRemoved);
    }

    /// <summary>DELETE /_gateway/faults/{id}: one rule.</summary>
    public static S3Response Remove(AdminRequest r)
    {
        RequireAdmin(r);
        var id = r.RawPath[(r.RawPath.LastIndexOf('/') + 1)..];
        return r.Services.Faults.Remove(id)
            ? Json(new FaultsRemoved { Removed = 1 }, AdminJson.Default.FaultsRemoved)
            : throw new S3Exception(S3ErrorCode.NotFound, $"No fault rule {id}.");
    }

    private static S3Response Json<T>(T document, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => S3Response.Json(JsonSerializer.Serialize(document, type));
}
