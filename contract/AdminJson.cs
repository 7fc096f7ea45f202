using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Contract;

/// <summary>
/// The documents' serializer, generated at build time (no reflection, so trimming and Native AOT keep it whole):
/// camelCase names, and the web defaults for reading (names in any case, numbers written as strings accepted).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthDocument))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(UsageReport))]
[JsonSerializable(typeof(UploadsPage))]
[JsonSerializable(typeof(RequestLogPage))]
[JsonSerializable(typeof(AbortResult))]
[JsonSerializable(typeof(ClockState))]
[JsonSerializable(typeof(AccessDecision))]
[JsonSerializable(typeof(FaultRules))]
[JsonSerializable(typeof(FaultState))]
[JsonSerializable(typeof(FaultsRemoved))]
[JsonSerializable(typeof(ChecksumResult))]
[JsonSerializable(typeof(IntegrityDocument))]
[JsonSerializable(typeof(RepairDocument))]
[JsonSerializable(typeof(ResetResult))]
[JsonSerializable(typeof(List<FaultRuleDocument>))]
public sealed partial class AdminJson : JsonSerializerContext;
