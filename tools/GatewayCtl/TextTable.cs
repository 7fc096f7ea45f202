namespace GatewayCtl;

/// <summary>Columns padded to their widest cell, two spaces apart; numbers right-aligned, text left-aligned.</summary>
internal sealed class TextTable(params (string Header, bool Right)[] columns)
{
    private readonly List<string[]> _rows = [];

    public void AddRow(params string[] cells)
    {
        if (cells.Length != columns.Length)
        {
            throw new ArgumentException($"expected {columns.Length} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add(cells);
    }

    public void Write(TextWriter output)
    {
        var all = new List<string[]> { columns.Select(c => c.Header).ToArray() };
        all.AddRange(_rows);
        var widths = Enumerable.Range(0, columns.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            var cells = row.Select((cell, i) => columns[i].Right ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            // Trailing padding of the last (left-aligned) column is noise in files and diffs.
            output.WriteLine(string.Join("  ", cells).TrimEnd());
        }
    }
}
