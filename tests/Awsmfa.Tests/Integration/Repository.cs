using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Awsmfa.Tests.Support;

namespace Awsmfa.Tests.Integration;

/// <summary>The checkout the tests run in, its packages, and programs run the way a user runs them.</summary>
internal static partial class Repository
{
    private static readonly Lazy<Task<string>> Packed = new(PackAsync);

    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "awsmfa.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("awsmfa.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// The packages the README's pack command makes: .ci/run packs once and names the folder in
    /// <c>AWSMFA_TEST_PACKAGES</c>; a developer's run packs here, once for every test that asks.
    /// </summary>
    public static Task<string> PackagesAsync() => Packed.Value;

    private static async Task<string> PackAsync()
    {
        if (Environment.GetEnvironmentVariable("AWSMFA_TEST_PACKAGES") is { Length: > 0 } packed && Directory.Exists(packed))
        {
            return packed;
        }

        var folder = Directory.CreateTempSubdirectory("awsmfa-test-packages-").FullName;
        var pack = await RunAsync("dotnet", ["pack", "-c", "Release", "-o", folder], Root);
        Assert.That(pack.ExitCode, Is.Zero, pack.ToString());
        return folder;
    }

    /// <summary>The version in the pointer package's name, <c>awsmfa.VERSION.nupkg</c>.</summary>
    public static string PackageVersion(string packages) =>
        Directory.GetFiles(packages, "awsmfa.*.nupkg").Select(Path.GetFileName)
            .Select(name => PointerPackageName().Match(name!)).Single(m => m.Success).Groups[1].Value;

    /// <summary>Extracts <paramref name="entry"/> of a package into <paramref name="folder"/>; returns its path.</summary>
    public static string Extract(string package, string entry, string folder)
    {
        using var zip = ZipFile.OpenRead(package);
        var target = Path.Combine(folder, Path.GetFileName(entry));
        zip.GetEntry(entry)!.ExtractToFile(target, overwrite: true);
        return target;
    }

    public static string ReadEntry(string package, string entry)
    {
        using var zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }

    /// <summary>
    /// PATH as it is, but without the programs <paramref name="hidden"/> names: each folder that
    /// holds one is replaced by <paramref name="shadow"/>, where the folder's other programs are
    /// linked, standing where the first such folder stood (so pyenv's python still comes before
    /// the system's).
    /// </summary>
    public static string PathHiding(Func<string, bool> hidden, string shadow)
    {
        Directory.CreateDirectory(shadow);
        var path = new List<string>();
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Distinct())
        {
            if (!Directory.Exists(folder) || !Directory.GetFiles(folder).Select(Path.GetFileName).Any(name => hidden(name!)))
            {
                path.Add(folder);
                continue;
            }

            if (!path.Contains(shadow))
            {
                path.Add(shadow);
            }

            foreach (var program in Directory.GetFiles(folder).Where(f => !hidden(Path.GetFileName(f))))
            {
                var link = Path.Combine(shadow, Path.GetFileName(program));
                if (!File.Exists(link))
                {
                    File.CreateSymbolicLink(link, program);
                }
            }
        }

        return string.Join(Path.PathSeparator, path);
    }

    public static Task<CliResult> RunAsync(string program, IEnumerable<string> args, string workingDirectory, IDictionary<string, string>? environment = null, string? stdin = null)
    {
        var start = new ProcessStartInfo(program, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Processes.RunAsync(start, stdin, TimeSpan.FromMinutes(5), program + " " + string.Join(' ', args));
    }

    [GeneratedRegex(@"^awsmfa\.(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex PointerPackageName();
}
