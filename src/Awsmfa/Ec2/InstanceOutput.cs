using Awsmfa.Output;

namespace Awsmfa.Ec2;

internal enum InstanceFormat
{
    Table,
    Text,
    Json,
    Ids,
}

/// <summary>
/// Writes instances as they arrive; the table (whose columns fit their content) and JSON (one
/// document, so a failure on a later page leaves stdout empty rather than a truncated array)
/// hold rows back until <see cref="Complete"/>.
/// </summary>
internal abstract class InstanceOutput(TextWriter output, bool withRegion)
{
    public static readonly (string Name, InstanceFormat Format)[] Formats =
    [
        ("table", InstanceFormat.Table),
        ("text", InstanceFormat.Text),
        ("json", InstanceFormat.Json),
        ("ids", InstanceFormat.Ids),
    ];

    private static readonly string[] Header = ["INSTANCE ID", "NAME", "STATE", "TYPE", "ZONE", "PRIVATE IP", "PUBLIC IP", "LAUNCHED"];

    protected TextWriter Output { get; } = output;

    /// <summary>A listing of several regions: a REGION column first in table and text, a Region field in JSON.</summary>
    protected bool WithRegion { get; } = withRegion;

    public static InstanceOutput Create(InstanceFormat format, TextWriter output, bool withRegion = false) => format switch
    {
        InstanceFormat.Table => new TableOutput(output, withRegion),
        InstanceFormat.Text => new TextOutput(output, withRegion),
        InstanceFormat.Json => new JsonOutput(output, withRegion),
        InstanceFormat.Ids => new IdsOutput(output, withRegion),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown output format."),
    };

    public abstract void Write(InstanceRow row);

    public virtual void Complete()
    {
    }

    /// <summary>The columns of table and text output; tag values are anyone's text, so they are cleaned.</summary>
    private string[] Columns(InstanceRow row) => WithRegion ? [row.Region ?? "-", .. BaseColumns(row)] : BaseColumns(row);

    private static string[] BaseColumns(InstanceRow row) =>
    [
        row.InstanceId,
        Printable.Cell(row.Name),
        row.State,
        Printable.Cell(row.InstanceType),
        Printable.Cell(row.AvailabilityZone),
        Printable.Cell(row.PrivateIpAddress),
        Printable.Cell(row.PublicIpAddress),
        row.LaunchTime is { } launched ? Timestamps.Format(launched) : "-",
    ];

    private sealed class TableOutput(TextWriter output, bool withRegion) : InstanceOutput(output, withRegion)
    {
        private readonly List<IReadOnlyList<string>> _rows = [withRegion ? ["REGION", .. Header] : Header];

        public override void Write(InstanceRow row) => _rows.Add(Columns(row));

        public override void Complete()
        {
            if (_rows.Count > 1)
            {
                Output.Write(TextTable.Render(_rows));
            }
        }
    }

    private sealed class TextOutput(TextWriter output, bool withRegion) : InstanceOutput(output, withRegion)
    {
        public override void Write(InstanceRow row)
        {
            Output.Write(string.Join('\t', Columns(row)));
            Output.Write('\n');
        }
    }

    private sealed class IdsOutput(TextWriter output, bool withRegion) : InstanceOutput(output, withRegion)
    {
        public override void Write(InstanceRow row)
        {
            Output.Write(row.InstanceId);
            Output.Write('\n');
        }
    }

    private sealed class JsonOutput(TextWriter output, bool withRegion) : InstanceOutput(output, withRegion)
    {
        private readonly List<InstanceJson> _instances = [];

        public override void Write(InstanceRow row) => _instances.Add(new InstanceJson(
            row.InstanceId,
            row.Name,
            row.State,
            row.InstanceType,
            row.AvailabilityZone,
            row.PrivateIpAddress,
            row.PublicIpAddress,
            row.LaunchTime is { } launched ? Timestamps.Format(launched) : null,
            row.Tags.GroupBy(t => t.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal))
        {
            Region = WithRegion ? row.Region : null,
        });

        public override void Complete() => OutputJson.Write(Output, _instances, OutputJson.Indented.ListInstanceJson);
    }
}
