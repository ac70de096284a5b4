using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Awsmfa.Aws;
using Awsmfa.Credentials;
using Awsmfa.Output;

namespace Awsmfa.Server;

/// <summary>
/// A container-credentials endpoint on the loopback interface for <c>awsmfa exec --server</c>:
/// every AWS SDK and the AWS CLI fetch credentials from it (AWS_CONTAINER_CREDENTIALS_FULL_URI
/// with AWS_CONTAINER_AUTHORIZATION_TOKEN) and come back before they expire, so a job can
/// outlive any one set of credentials. Each answer comes through the credential pipeline; nothing
/// is written anywhere but the usual cache.
/// </summary>
internal sealed class CredentialsServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<CancellationToken, Task<ServedCredentials>> _credentials;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _expiryMargin;
    private readonly Reporter _reporter;
    private readonly byte[] _token;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private ServedCredentials? _current;

    private CredentialsServer(HttpListener listener, Uri uri, string token, Func<CancellationToken, Task<ServedCredentials>> credentials, TimeProvider clock, TimeSpan expiryMargin, Reporter reporter)
    {
        _listener = listener;
        Uri = uri;
        Token = token;
        _token = Encoding.UTF8.GetBytes(token);
        _credentials = credentials;
        _clock = clock;
        _expiryMargin = expiryMargin;
        _reporter = reporter;
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>What AWS_CONTAINER_CREDENTIALS_FULL_URI says.</summary>
    public Uri Uri { get; }

    /// <summary>What AWS_CONTAINER_AUTHORIZATION_TOKEN says: 256 random bits, new for each run.</summary>
    public string Token { get; }

    /// <summary>Starts listening on 127.0.0.1 at a free port, under a random path.</summary>
    public static CredentialsServer Start(
        Func<CancellationToken, Task<ServedCredentials>> credentials, ServedCredentials first, TimeProvider clock, TimeSpan expiryMargin, Reporter reporter)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var path = "/awsmfa/" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + "/credentials";
        for (var attempt = 0; ; attempt++)
        {
            // HttpListener cannot bind port 0: ask the system for a free port, then take it.
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new CredentialsServer(listener, new Uri($"http://127.0.0.1:{port}{path}"), token, credentials, clock, expiryMargin, reporter)
                {
                    _current = first,
                };
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Close();
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Closing the listener ends the loop with one of these.
        }

        _refresh.Dispose();
        _stop.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
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
        var request = context.Request;
        var path = request.Url?.AbsolutePath ?? "";
        var outcome = "";
        int status;
        try
        {
            (status, outcome) = await AnswerAsync(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away.
            return;
        }
#pragma warning disable CA1031 // The job must get an answer whatever happened; the bug is reported on stderr.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _reporter.Warn($"server: this is a bug in awsmfa ({e.GetType().Name}); the request got HTTP 500");
            try
            {
                await RespondAsync(context.Response, 500, Error("InternalError", "awsmfa could not answer")).ConfigureAwait(false);
            }
            catch (Exception inner) when (inner is HttpListenerException or ObjectDisposedException or IOException or InvalidOperationException)
            {
                // The client went away meanwhile.
            }

            return;
        }

        // The path's random part and the token are secrets of sorts: neither is logged.
        _reporter.Detail($"server: {Printable.OneLine(request.HttpMethod)} {(path == Uri.AbsolutePath ? "/credentials" : "(other path)")} -> {status}{outcome}");
    }

    private async Task<(int Status, string Outcome)> AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        if (request.Url?.AbsolutePath != Uri.AbsolutePath)
        {
            return (await RespondAsync(context.Response, 404, Error("NotFound", "no such path")).ConfigureAwait(false), "");
        }

        if (request.HttpMethod != "GET")
        {
            context.Response.AddHeader("Allow", "GET");
            return (await RespondAsync(context.Response, 405, Error("MethodNotAllowed", "only GET")).ConfigureAwait(false), "");
        }

        if (request.Headers["Authorization"] is not { } authorization)
        {
            return (await RespondAsync(context.Response, 401, Error("Unauthorized", "no Authorization header")).ConfigureAwait(false), "");
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization), _token))
        {
            return (await RespondAsync(context.Response, 403, Error("Forbidden", "wrong token")).ConfigureAwait(false), "");
        }

        ServedCredentials served;
        bool refreshed;
        try
        {
            (served, refreshed) = await CurrentAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (AwsmfaException e)
        {
            // The SDK in the job shows this; the person at awsmfa's terminal sees what is needed.
            _reporter.Warn($"could not get credentials for the command: {e.Message}");
            return (await RespondAsync(context.Response, 503, Error("CredentialsUnavailable", "awsmfa: " + e.Message)).ConfigureAwait(false), ", no credentials");
        }

        var body = JsonSerializer.Serialize(
            new ContainerCredentialsJson(served.Credentials.AccessKeyId, served.Credentials.SecretAccessKey, served.Credentials.SessionToken, Timestamps.Format(served.Credentials.Expiration), served.Identity.RoleArn),
            OutputJson.Compact.ContainerCredentialsJson);
        return (await RespondAsync(context.Response, 200, body).ConfigureAwait(false), refreshed ? ", refreshed" : ", from memory");
    }

    /// <summary>
    /// The credentials last served while they have more than the margin left; otherwise the
    /// pipeline (cache, lock, STS), by one request at a time, so parallel requests at refresh
    /// time make one call between them.
    /// </summary>
    private async Task<(ServedCredentials Served, bool Refreshed)> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Fresh(Volatile.Read(ref _current)) is { } current)
        {
            return (current, false);
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh(_current) is { } meanwhile)
            {
                return (meanwhile, false);
            }

            var served = await _credentials(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _current, served);
            return (served, true);
        }
        finally
        {
            _refresh.Release();
        }
    }

    private ServedCredentials? Fresh(ServedCredentials? served) =>
        served is not null && served.Credentials.Expiration - _clock.GetUtcNow() > _expiryMargin ? served : null;

    private static string Error(string code, string message) =>
        JsonSerializer.Serialize(new ContainerErrorJson(code, message), OutputJson.Compact.ContainerErrorJson);

    private static async Task<int> RespondAsync(HttpListenerResponse response, int status, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        response.Headers["Cache-Control"] = "no-store";
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        response.Close();
        return status;
    }
}
