using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Awsmfa.Cli;

namespace Awsmfa.Ec2;

/// <summary>Writes instances as they arrive; only the table, whose columns fit their content, holds rows back.</summary>
internal abstract class InstanceOutput(TextWriter output)
{
    public const string Table = "table";
    public const string Text = "text";
    public const string Json = "json";
    public const string Ids = "ids";

    public static readonly string[] Formats = [Table, Text, Json, Ids];

    private static readonly string[] Header = ["INSTANCE ID", "NAME", "STATE", "TYPE", "ZONE", "PRIVATE IP", "PUBLIC IP", "LAUNCHED"];

    protected TextWriter Output { get; } = output;

    public static InstanceOutput Create(string format, TextWriter output) => format switch
    {
        Table => new TableOutput(output),
        Text => new TextOutput(output),
        Json => new JsonOutput(output),
        Ids => new IdsOutput(output),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown output format."),
    };

    public abstract void Write(InstanceRow row);

    public virtual void Complete()
    {
    }

    /// <summary>The columns of table and text output; a missing value is "-" so every line has all fields.</summary>
    private static string[] Columns(InstanceRow row) =>
    [
        row.InstanceId,
        Clean(row.Name),
        row.State,
        Clean(row.InstanceType),
        Clean(row.AvailabilityZone),
        Clean(row.PrivateIpAddress),
        Clean(row.PublicIpAddress),
        row.LaunchTime is { } launched ? launched.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-",
    ];

    // Tag values are anyone's text: a tab or newline in a Name must not break a line or column.
    private static string Clean(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "-";
        }

        return value.Any(char.IsControl)
            ? new string(value.Select(c => char.IsControl(c) ? ' ' : c).ToArray())
            : value;
    }

    private sealed class TableOutput(TextWriter output) : InstanceOutput(output)
    {
        private readonly List<IReadOnlyList<string>> _rows = [Header];

        public override void Write(InstanceRow row) => _rows.Add(Columns(row));

        public override void Complete()
        {
            if (_rows.Count > 1)
            {
                Output.Write(TextTable.Render(_rows));
            }
        }
    }

    private sealed class TextOutput(TextWriter output) : InstanceOutput(output)
    {
        public override void Write(InstanceRow row)
        {
            Output.Write(string.Join('\t', Columns(row)));
            Output.Write('\n');
        }
    }

    private sealed class IdsOutput(TextWriter output) : InstanceOutput(output)
    {
        public override void Write(InstanceRow row)
        {
            Output.Write(row.InstanceId);
            Output.Write('\n');
        }
    }

    private sealed class JsonOutput(TextWriter output) : InstanceOutput(output)
    {
        private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        private readonly ArrayBufferWriter<byte> _buffer = new();
        private bool _any;

        public override void Write(InstanceRow row)
        {
            _buffer.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(_buffer, Options))
            {
                json.WriteStartObject();
                json.WriteString("InstanceId", row.InstanceId);
                WriteOptional(json, "Name", row.Name);
                json.WriteString("State", row.State);
                WriteOptional(json, "InstanceType", row.InstanceType);
                WriteOptional(json, "AvailabilityZone", row.AvailabilityZone);
                WriteOptional(json, "PrivateIpAddress", row.PrivateIpAddress);
                WriteOptional(json, "PublicIpAddress", row.PublicIpAddress);
                if (row.LaunchTime is { } launched)
                {
                    json.WriteString("LaunchTime", launched.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                }
                else
                {
                    json.WriteNull("LaunchTime");
                }

                json.WriteStartObject("Tags");
                foreach (var (key, value) in row.Tags)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }

            Output.Write(_any ? ",\n  " : "[\n  ");
            Output.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
            _any = true;
        }

        public override void Complete() => Output.Write(_any ? "\n]\n" : "[]\n");

        private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
        {
            if (value is null)
            {
                json.WriteNull(name);
            }
            else
            {
                json.WriteString(name, value);
            }
        }
    }
}
