using System.Net;
using System.Text;

namespace Awsmfa.Platform;

/// <summary>
/// The redirect of an OAuth authorization code sign-in in the browser on this computer: a listener
/// on <c>127.0.0.1:&lt;random port&gt;/oauth/callback</c> that takes the code only with the
/// sign-in's own <c>state</c> (anything else is refused and the wait goes on), answers the
/// browser with a short page, and gives up after <see cref="Wait"/>.
/// </summary>
internal sealed class LoopbackCallback : IDisposable
{
    /// <summary>How long the browser may take: the AWS CLI's own wait.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromMinutes(10);

    private readonly HttpListener _listener;

    public LoopbackCallback()
    {
        for (var attempt = 0; ; attempt++)
        {
            int port;
            using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            // HttpListener cannot take port 0: a free one, a few tries.
            _listener = new HttpListener();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/oauth/callback/");
            try
            {
                _listener.Start();
                RedirectUri = $"http://127.0.0.1:{port}/oauth/callback";
                return;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                _listener.Close();
            }
        }
    }

    /// <summary>The redirect a client registers (RFC 8252 §7.3: a loopback redirect matches on any port), as the AWS CLI registers it.</summary>
    public const string RedirectUriWithoutPort = "http://127.0.0.1/oauth/callback";

    public string RedirectUri { get; } = "";

    /// <summary>The OAuth error the browser brought back instead of a code (empty when it named none); null while none came back.</summary>
    public string? Refusal { get; private set; }

    /// <summary>The authorization code the browser brings back with <paramref name="state"/>.</summary>
    /// <param name="again">The command that starts over, for the messages.</param>
    public async Task<string> WaitForCodeAsync(string state, string again, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(Wait);
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw AwsmfaException.Usage($"no sign-in came back within {Wait.TotalMinutes:0} minutes; run {again} again");
            }

            using var response = context.Response;
            var query = context.Request.QueryString;
            if (context.Request.Url?.AbsolutePath != "/oauth/callback")
            {
                Page(response, 404, "Not the sign-in callback.");
                continue;
            }

            if (query["state"] != state)
            {
                // Another page (or another program) calling the listener: refused, and the wait goes on.
                Page(response, 400, "This sign-in was not started by this awsmfa.");
                continue;
            }

            if (query["code"] is not { Length: > 0 } code)
            {
                Refusal = query["error"] ?? "";
                Page(response, 400, "Sign-in failed.");
                throw AwsmfaException.Usage($"the sign-in did not complete ({Output.Printable.OneLine(query["error"] ?? "no code")}); nothing was written");
            }

            Page(response, 200, "Signed in: you can close this tab and go back to the terminal.");
            return code;
        }
    }

    private static void Page(HttpListenerResponse response, int status, string text)
    {
        var body = Encoding.UTF8.GetBytes($"<!doctype html><html><head><meta charset=\"utf-8\"><title>awsmfa</title></head><body><p>{WebUtility.HtmlEncode(text)}</p></body></html>");
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        response.OutputStream.Write(body);
    }

    public void Dispose() => _listener.Close();
}
