using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Web;

namespace Awsmfa.Tests.Support;

/// <summary>How <see cref="FakeAwsServer"/> answers.</summary>
public enum ServerBehaviour
{
    Answer,
    InternalError,
    Throttle,
    Hang,
}

/// <summary>
/// A loopback HTTP endpoint that answers STS and EC2 the way AWS does where moto cannot: it
/// rejects a reused MFA code, and can fail with HTTP 500, throttle, or accept and never answer.
/// </summary>
internal sealed class FakeAwsServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _usedCodes = new();
    private readonly ConcurrentBag<TaskCompletionSource> _held = [];
    private int _sessions;

    public FakeAwsServer()
    {
        // HttpListener cannot bind port 0; retry a few free ports.
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                Url = $"http://127.0.0.1:{port}";
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }

        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public ServerBehaviour Mode { get; set; } = ServerBehaviour.Answer;

    /// <summary>Every request received, by action (retries included).</summary>
    public ConcurrentDictionary<string, int> Requests { get; } = new();

    /// <summary>GetSessionToken calls that produced a session.</summary>
    public int SessionsIssued => Volatile.Read(ref _sessions);

    public int RequestsFor(string action) => Requests.GetValueOrDefault(action);

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var held in _held)
        {
            held.TrySetResult();
        }

        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync();
            }

            var form = HttpUtility.ParseQueryString(body);
            var action = form["Action"] ?? "?";
            Requests.AddOrUpdate(action, 1, (_, n) => n + 1);
            var isSts = action == "GetSessionToken";
            switch (Mode)
            {
                case ServerBehaviour.Hang:
                    var held = new TaskCompletionSource();
                    _held.Add(held);
                    await held.Task;
                    context.Response.Abort();
                    return;
                case ServerBehaviour.InternalError:
                    await RespondAsync(context, 500, Error(isSts, "InternalFailure", "We encountered an internal error. Please try again."));
                    return;
                case ServerBehaviour.Throttle:
                    await RespondAsync(context, 400, Error(isSts, isSts ? "Throttling" : "RequestLimitExceeded", "Rate exceeded"));
                    return;
            }

            if (!isSts)
            {
                await RespondAsync(context, 200, """<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservationSet/></DescribeInstancesResponse>""");
                return;
            }

            var code = form["TokenCode"] ?? "";
            if (_usedCodes.AddOrUpdate(code, 1, (_, n) => n + 1) > 1)
            {
                await RespondAsync(context, 403, Error(true, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. "));
                return;
            }

            var n = Interlocked.Increment(ref _sessions);
            var seconds = int.Parse(form["DurationSeconds"] ?? "3600", CultureInfo.InvariantCulture);
            var expiration = DateTime.UtcNow.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            await RespondAsync(context, 200, $"""
                <GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <GetSessionTokenResult>
                    <Credentials>
                      <AccessKeyId>ASIAFAKESESSION{n:D5}</AccessKeyId>
                      <SecretAccessKey>FakeSessionSecretPart{n}</SecretAccessKey>
                      <SessionToken>FakeSessionTokenPart{n}</SessionToken>
                      <Expiration>{expiration}</Expiration>
                    </Credentials>
                  </GetSessionTokenResult>
                  <ResponseMetadata><RequestId>req-{n}</RequestId></ResponseMetadata>
                </GetSessionTokenResponse>
                """);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException)
        {
        }
    }

    private static string Error(bool sts, string code, string message) => sts
        ? $"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>req-error</RequestId></ErrorResponse>"""
        : $"""<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>req-error</RequestID></Response>""";

    private static async Task RespondAsync(HttpListenerContext context, int status, string xml)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
