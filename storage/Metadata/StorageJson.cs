using System.Text.Json.Serialization;
using Storage.Lifecycle;
using Storage.Objects;

namespace Storage.Metadata;

/// <summary>
/// The JSON kept in metadata columns (attributes, tags, lifecycle rules, default retention), by source generation:
/// the same text the reflection serializer wrote with its defaults (so existing rows read back unchanged), without the
/// reflection a Native AOT build cannot do.
/// </summary>
[JsonSerializable(typeof(IReadOnlyList<LifecycleRule>))]
[JsonSerializable(typeof(List<LifecycleRule>))]
[JsonSerializable(typeof(DefaultRetention))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyList<Tag>))]
[JsonSerializable(typeof(List<Tag>))]
internal sealed partial class StorageJson : JsonSerializerContext;
