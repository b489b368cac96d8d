using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seqline;

/// <summary>
/// An enum written as its camelCase name (<c>read</c>, <c>admin</c>) and read from any case, as the
/// API's JSON options do for every enum. Put on the enum properties of types that source-generated
/// JSON writes for the wire (a context's fast path runs only without option converters), so the
/// names there match the API's without changing how stores that name enums their own way read them.
/// </summary>
public sealed class CamelCaseEnumJson<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase)
    where TEnum : struct, Enum;
