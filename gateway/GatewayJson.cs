using System.Text.Json.Serialization;

namespace Gateway;

/// <summary>
/// The JSON the gateway keeps in storage's documents and its KMS registry (grants, CORS rules, encryption), by source
/// generation: the same text the reflection serializer wrote with its defaults, so what is stored reads back as
/// before, and nothing a Native AOT build cannot do.
/// </summary>
[JsonSerializable(typeof(IEnumerable<string[]>))]
[JsonSerializable(typeof(string[][]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Encryption.SseDocument))]
[JsonSerializable(typeof(Handlers.EncryptionHandlers.Rule))]
[JsonSerializable(typeof(IReadOnlyList<Protocol.CorsRule>))]
[JsonSerializable(typeof(List<Protocol.CorsRule>))]
internal sealed partial class GatewayJson : JsonSerializerContext;
