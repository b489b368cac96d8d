using System.Globalization;
using System.Text.RegularExpressions;

namespace Seqline.Testing;

/// <summary>
/// A node's <c>/metrics</c> page, read as a Prometheus scraper reads the text format: the tests
/// assert on it, the bench reads the node's counters and histograms from it.
/// </summary>
public sealed partial class PrometheusText(string text)
{
    public string Text => text;

    /// <summary>
    /// The sum of the samples of <paramref name="metric"/> whose labels include all of
    /// <paramref name="labels"/>; null when there is none.
    /// </summary>
    public double? Sum(string metric, params (string Name, string Value)[] labels)
    {
        var values = Samples()
            .Where(s => s.Name == metric && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value))
            .Select(s => s.Value)
            .ToList();
        return values.Count == 0 ? null : values.Sum();
    }

    public override string ToString() => text;

    /// <summary>Every sample line: its name, its labels and its value (comments skipped).</summary>
    public IEnumerable<(string Name, Dictionary<string, string> Labels, double Value)> Samples()
    {
        foreach (var line in text.Split('\n'))
        {
            var sample = SamplePattern().Match(line.TrimEnd('\r'));
            if (!sample.Success) continue;
            var labels = LabelPattern().Matches(sample.Groups["labels"].Value)
                .ToDictionary(l => l.Groups["name"].Value, l => Regex.Unescape(l.Groups["value"].Value));
            var value = sample.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var number => double.Parse(number, CultureInfo.InvariantCulture),
            };
            yield return (sample.Groups["name"].Value, labels, value);
        }
    }

    // name{labels} value [timestamp]; comments (# HELP, # TYPE) do not match.
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex SamplePattern();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPattern();
}
