using System.Diagnostics;
using Awsmfa.Tests.Support;
using System.Text;
using System.Text.Json;

namespace Awsmfa.Tests.Integration;

/// <summary>
/// A real <c>moto_server</c> (a local AWS emulator) on a free loopback port, recording every
/// request so tests can count what reached it. Where moto is not installed, the test is skipped
/// with the reason.
/// </summary>
internal sealed class MotoServer : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly HttpClient ResetHttp = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Process _process;
    private readonly string _recording;

    private MotoServer(Process process, Uri endpoint, string recording)
    {
        _process = process;
        Endpoint = endpoint;
        _recording = recording;
    }

    public Uri Endpoint { get; }

    public string Url => Endpoint.AbsoluteUri.TrimEnd('/');

    public static MotoServer StartOrIgnore()
    {
        var executable = Processes.FindOnPath("moto_server");
        if (executable is null)
        {
            Assert.Ignore("moto_server is not installed (pip install 'moto[server]'); integration tests skipped");
        }

        var recording = Path.Combine(Path.GetTempPath(), $"awsmfa-moto-{Guid.NewGuid():N}.jsonl");
        // moto_server's application behind strict_moto.py, which refuses temporary keys sent
        // without their session token as AWS does (moto itself checks no signature). It binds a
        // free port itself and says which: no other test can take it in between.
        var start = new ProcessStartInfo(Interpreter(executable!), [Path.Combine(AppContext.BaseDirectory, "Integration", "strict_moto.py"), "-H", "127.0.0.1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["MOTO_ENABLE_RECORDING"] = "true";
        start.Environment["MOTO_RECORDER_FILEPATH"] = recording;
        var process = Process.Start(start)!;
        var said = new System.Text.StringBuilder();
        var announced = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("PORT ", StringComparison.Ordinal) && int.TryParse(line[5..], System.Globalization.CultureInfo.InvariantCulture, out var bound))
            {
                announced.TrySetResult(bound);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (said)
            {
                if (e.Data is { } line && said.Length < 4096)
                {
                    said.AppendLine(line);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => announced.TrySetException(new InvalidOperationException($"moto_server exited with {process.ExitCode} on start: {said}"));

        int port;
        try
        {
            port = announced.Task.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail(e.Message);
            return null!;
        }

        var server = new MotoServer(process, new Uri($"http://127.0.0.1:{port}"), recording);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = Http.GetAsync($"{server.Url}/moto-api/").GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            Thread.Sleep(100);
        }

        server.Dispose();
        Assert.Fail("moto_server did not answer within 60 s");
        return null!;
    }

    /// <summary>Forgets every resource and every recorded request.</summary>
    /// <remarks>
    /// A reset rebuilds every backend a test touched: after an --all-regions command that is 38
    /// EC2 regions' default VPCs and images, 1.5 s on an idle machine, and it once went past the
    /// 10 s the other calls get with the Process tier beside it on two cores. It is no AWS call
    /// under test, so it gets a minute.
    /// </remarks>
    public void Reset()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var reset = ResetHttp.PostAsync($"{Url}/moto-api/reset", null, timeout.Token).GetAwaiter().GetResult();
        using var clear = Http.PostAsync($"{Url}/moto-api/recorder/reset-recording", null).GetAwaiter().GetResult();
    }

    public static readonly System.Xml.Linq.XNamespace Iam = "https://iam.amazonaws.com/doc/2010-05-08/";

    /// <summary>An IAM call to moto as a test sets things up (moto reads the service from the credential scope and checks no signature).</summary>
    public async Task<System.Xml.Linq.XElement> IamAsync(string action, params (string Name, string Value)[] parameters)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url + "/")
        {
            Content = new StringContent(
                string.Join('&', new[] { ("Action", action), ("Version", "2010-05-08") }.Concat(parameters).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2)}")),
                Encoding.UTF8,
                "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKIASETUPEXAMPLE0001/20261130/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, body);
        return System.Xml.Linq.XElement.Parse(body);
    }

    /// <summary>An IAM user with an access key, as the key's id and secret.</summary>
    public async Task<(string KeyId, string Secret)> CreateUserWithKeyAsync(string userName)
    {
        await IamAsync("CreateUser", ("UserName", userName));
        var key = (await IamAsync("CreateAccessKey", ("UserName", userName))).Descendants(Iam + "AccessKey").Single();
        return ((string)key.Element(Iam + "AccessKeyId")!, (string)key.Element(Iam + "SecretAccessKey")!);
    }

    /// <summary>How many recorded requests called <paramref name="action"/> (query or JSON protocol).</summary>
    public int CountCalls(string action)
    {
        if (!File.Exists(_recording))
        {
            return 0;
        }

        var count = 0;
        foreach (var line in File.ReadAllLines(_recording))
        {
            using var entry = JsonDocument.Parse(line);
            var root = entry.RootElement;
            var body = root.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() ?? "" : "";
            if (root.TryGetProperty("body_encoded", out var encoded) && encoded.ValueKind == JsonValueKind.True)
            {
                body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
            }

            var target = root.GetProperty("headers").TryGetProperty("X-Amz-Target", out var t) ? t.GetString() ?? "" : "";
            var url = root.GetProperty("url").GetString() ?? "";
            if (body.Contains("Action=" + action, StringComparison.Ordinal)
                || target.EndsWith("." + action, StringComparison.Ordinal)
                || url.Contains("Action=" + action, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The headers of every recorded request that called <paramref name="action"/>.</summary>
    public List<Dictionary<string, string>> HeadersOf(string action)
    {
        var found = new List<Dictionary<string, string>>();
        foreach (var line in File.Exists(_recording) ? File.ReadAllLines(_recording) : [])
        {
            using var entry = JsonDocument.Parse(line);
            var root = entry.RootElement;
            var body = root.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() ?? "" : "";
            if (root.TryGetProperty("body_encoded", out var encoded) && encoded.ValueKind == JsonValueKind.True)
            {
                body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
            }

            if (body.Contains("Action=" + action, StringComparison.Ordinal))
            {
                found.Add(root.GetProperty("headers").EnumerateObject()
                    .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.OrdinalIgnoreCase));
            }
        }

        return found;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        File.Delete(_recording);
    }

    /// <summary>The Python that runs moto_server (its shebang, for a venv or pipx install), else python3.</summary>
    private static string Interpreter(string motoServer)
    {
        try
        {
            using var reader = new StreamReader(motoServer);
            var first = reader.ReadLine() ?? "";
            if (first.StartsWith("#!", StringComparison.Ordinal) && first.Contains("python", StringComparison.Ordinal) && !first.Contains(' ', StringComparison.Ordinal))
            {
                return first[2..].Trim();
            }
        }
        catch (IOException)
        {
        }

        return Processes.FindOnPath("python3") ?? "python3";
    }
}
