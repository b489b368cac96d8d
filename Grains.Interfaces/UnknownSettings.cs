using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Seqline;

/// <summary>A section of <c>Seqline:</c> bound to an options type: its properties are the settings there.</summary>
public sealed record SettingsSection(string Section, Type OptionsType);

/// <summary>A key under <c>Seqline:</c> that no setting reads, and the setting it most likely meant.</summary>
public sealed record UnknownSetting(string Key, string? Meant);

/// <summary>
/// Finds keys under <c>Seqline:</c> that nothing reads. The configuration binder ignores a key that
/// matches no property, so a misspelt or misplaced setting (<c>Seqline:Sqlite:WalAutoCheckpointPages</c>
/// for <c>Seqline:Storage:Sqlite:WalAutoCheckpointPages</c>) would otherwise leave its default in
/// place without a word. A key is known when it names a property of the options type bound to its
/// section, nested classes, collections and dictionaries followed as the binder follows them.
/// </summary>
public static class UnknownSettings
{
    public const string Root = "Seqline";

    /// <summary>Read directly from configuration, before any options type is bound.</summary>
    private static readonly string[] ReadDirectly = ["Seqline:Role"];

    public static IReadOnlyList<UnknownSetting> Find(IConfiguration configuration, IEnumerable<SettingsSection> sections)
    {
        var known = sections.Distinct().ToList();
        // Every setting's path, listed once and only if some key needs a suggestion.
        var settings = new Lazy<List<string>>(() => known.SelectMany(section => Settings(section.Section, section.OptionsType, depth: 0))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList());
        var unknown = new List<UnknownSetting>();
        foreach (var (key, value) in configuration.GetSection(Root).AsEnumerable())
        {
            if (value is null || ReadDirectly.Contains(key, StringComparer.OrdinalIgnoreCase)) continue;
            if (known.Any(section => Names(section, key))) continue;
            unknown.Add(new UnknownSetting(key, Meant(key, settings.Value)));
        }
        return unknown.OrderBy(setting => setting.Key, StringComparer.OrdinalIgnoreCase).ToList();
    }

    // Whether key is a setting of section: the section itself is not (it holds settings), a path below it must name properties all the way down.
    private static bool Names(SettingsSection section, string key)
    {
        if (!key.StartsWith(section.Section + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase)) return false;
        var path = key[(section.Section.Length + 1)..].Split(ConfigurationPath.KeyDelimiter);
        var type = section.OptionsType;
        foreach (var segment in path)
        {
            if (type is null || IsValue(type)) return false;
            type = Child(type, segment);
        }
        return type is not null;
    }

    // The type the binder would bind under segment of a value of type, or null if it binds nothing there.
    private static Type? Child(Type type, string segment)
    {
        if (Dictionary(type) is { } values) return values;
        if (Element(type) is { } element) return int.TryParse(segment, out var index) && index >= 0 ? element : null;
        var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || property.GetIndexParameters().Length > 0) return null;
        // The binder sets writable properties and fills read-only ones that are objects or collections.
        if (property.SetMethod is not { IsPublic: true } && IsValue(property.PropertyType)) return null;
        return Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
    }

    // A value the binder converts from one string, rather than an object whose properties it binds.
    private static bool IsValue(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
        || (!typeof(IEnumerable).IsAssignableFrom(type) && TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)));

    private static Type? Dictionary(Type type) =>
        Implemented(type, typeof(IDictionary<,>)) is { } dictionary && dictionary.GetGenericArguments()[0] == typeof(string)
            ? dictionary.GetGenericArguments()[1]
            : null;

    private static Type? Element(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : Implemented(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static Type? Implemented(Type type, Type generic) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == generic ? type
        : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic);

    // The known setting with the same name elsewhere, else one beside it spelt within two letters.
    private static string? Meant(string key, IReadOnlyList<string> settings)
    {
        var name = ConfigurationPath.GetSectionKey(key);
        var parent = ConfigurationPath.GetParentPath(key);
        return settings.FirstOrDefault(s => string.Equals(ConfigurationPath.GetSectionKey(s), name, StringComparison.OrdinalIgnoreCase))
            ?? settings.FirstOrDefault(s => string.Equals(ConfigurationPath.GetParentPath(s), parent, StringComparison.OrdinalIgnoreCase)
                && Distance(ConfigurationPath.GetSectionKey(s).ToLowerInvariant(), name.ToLowerInvariant()) <= 2);
    }

    // Every setting's path below prefix, values only (collections and dictionaries end the path).
    private static IEnumerable<string> Settings(string prefix, Type type, int depth)
    {
        if (depth > 4) yield break;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0) continue;
            var path = ConfigurationPath.Combine(prefix, property.Name);
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsValue(propertyType) || Dictionary(propertyType) is not null || Element(propertyType) is not null)
            {
                yield return path;
                continue;
            }
            foreach (var nested in Settings(path, propertyType, depth + 1)) yield return nested;
        }
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
