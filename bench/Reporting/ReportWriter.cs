using System.Text;

namespace Seqline.Bench.Reporting;

/// <summary>A markdown report (report.md) with PNG charts beside it, in one folder.</summary>
public sealed class ReportWriter
{
    private readonly StringBuilder _markdown = new();

    public ReportWriter(string directory, string title, MachineInfo machine)
    {
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
        _markdown.AppendLine($"# {title}").AppendLine();
        _markdown.AppendLine($"Machine: {machine.Describe()}.").AppendLine();
    }

    public string Directory { get; }

    public string PathOf(string file) => Path.Combine(Directory, file);

    public ReportWriter Heading(string text, int level = 2)
    {
        _markdown.AppendLine($"{new string('#', level)} {text}").AppendLine();
        return this;
    }

    public ReportWriter Paragraph(string text)
    {
        _markdown.AppendLine(text).AppendLine();
        return this;
    }

    public ReportWriter Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        _markdown.AppendLine("| " + string.Join(" | ", headers) + " |");
        _markdown.AppendLine("|" + string.Concat(headers.Select((_, i) => i == 0 ? "---|" : "---:|")));
        foreach (var row in rows) _markdown.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        _markdown.AppendLine();
        return this;
    }

    public ReportWriter Image(string file, string alt)
    {
        _markdown.AppendLine($"![{alt}]({file})").AppendLine();
        return this;
    }

    /// <summary>Writes report.md and returns its path.</summary>
    public string Save()
    {
        var path = PathOf("report.md");
        File.WriteAllText(path, _markdown.ToString());
        return path;
    }
}
